import { Button, Result } from "antd";
import { useTranslation } from "react-i18next";
import { LanguageSwitch } from "./LanguageSwitch";

type Kind = "notFound" | "forbidden" | "server" | "csrf";

const STATUS: Record<Kind, "404" | "403" | "500"> = { notFound: "404", forbidden: "403", server: "500", csrf: "403" };

/** Error pages in the user's language; plain links so they work even without scripts. */
export function ErrorPage({ kind }: { kind: Kind }) {
  const { t } = useTranslation();
  const title = {
    notFound: t("errors.notFoundTitle"),
    forbidden: t("errors.forbiddenTitle"),
    server: t("errors.serverTitle"),
    csrf: t("errors.title"),
  }[kind];
  const text = {
    notFound: t("errors.notFound"),
    forbidden: t("errors.forbidden"),
    server: t("errors.server"),
    csrf: t("errors.csrf"),
  }[kind];
  return (
    <main id="main" className="page">
      <Result
        status={STATUS[kind]}
        title={title}
        subTitle={text}
        extra={[
          <Button type="primary" href="/" key="home">
            {t("errors.backHome")}
          </Button>,
          <LanguageSwitch key="language" />,
        ]}
      />
    </main>
  );
}
