import { Button, Space } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { LanguageSwitch } from "./LanguageSwitch";

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
          <Link to="/app">
            <Button type="primary">{t("nav.dashboard")}</Button>
          </Link>
        ) : (
          <>
            <Link to="/register">
              <Button>{t("common.register")}</Button>
            </Link>
            <Link to="/sign-in">
              <Button type="primary">{t("common.signIn")}</Button>
            </Link>
          </>
        )}
      </Space>
    </header>
  );
}
