import { Space } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { LanguageSwitch } from "./LanguageSwitch";
import { LinkButton } from "./LinkButton";

export function PublicHeader({ signedIn }: { signedIn: boolean }) {
  const { t } = useTranslation();
  return (
    <header className="public-header">
      <Link to="/" className="brand">
        {t("common.appFullName")}
      </Link>
      <Space wrap>
        <Link to="/products">{t("nav.supermarket")}</Link>
        <LanguageSwitch />
        {signedIn ? (
          <LinkButton to="/app" type="primary">{t("nav.dashboard")}</LinkButton>
        ) : (
          <>
            <LinkButton to="/register">{t("common.register")}</LinkButton>
            <LinkButton to="/sign-in" type="primary">{t("common.signIn")}</LinkButton>
          </>
        )}
      </Space>
    </header>
  );
}
