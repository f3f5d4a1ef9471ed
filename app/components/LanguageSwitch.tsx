import { Button } from "antd";
import { useTranslation } from "react-i18next";
import { Form, useLocation } from "react-router";
import { CsrfInput } from "./forms";

/** Switches between 简体中文 and English; works without scripts (a plain POST). */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  const next = i18n.language === "zh-CN" ? "en" : "zh-CN";
  return (
    <Form method="post" action="/locale" className="inline-form">
      <CsrfInput />
      <input type="hidden" name="locale" value={next} />
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <Button htmlType="submit" type="text" title={t("common.language")} lang={next}>
        {t("common.switchLanguage")}
      </Button>
    </Form>
  );
}
