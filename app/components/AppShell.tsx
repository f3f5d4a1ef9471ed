import {
  AccountBookOutlined,
  AlertOutlined,
  FundOutlined,
  FundProjectionScreenOutlined,
  ReconciliationOutlined,
  InboxOutlined,
  AppstoreOutlined,
  CalendarOutlined,
  FileDoneOutlined,
  AuditOutlined,
  CheckSquareOutlined,
  ProfileOutlined,
  ShoppingOutlined,
  SolutionOutlined,
  BankOutlined,
  CloudUploadOutlined,
  DashboardOutlined,
  EyeOutlined,
  FileSearchOutlined,
  HeartOutlined,
  IssuesCloseOutlined,
  KeyOutlined,
  SafetyCertificateOutlined,
  ShopOutlined,
  TeamOutlined,
  UserOutlined,
} from "@ant-design/icons";
import { Button, Layout, Menu, Space, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Form, Link, useLocation } from "react-router";
import { CsrfInput } from "./forms";
import { LanguageSwitch } from "./LanguageSwitch";
import { AREAS } from "./areas";

const ICONS: Record<string, React.ReactNode> = {
  dashboard: <DashboardOutlined />,
  enterprise: <ShopOutlined />,
  institution: <BankOutlined />,
  institutions: <BankOutlined />,
  users: <TeamOutlined />,
  enterprises: <ShopOutlined />,
  auditLog: <AuditOutlined />,
  health: <HeartOutlined />,
  credit: <SafetyCertificateOutlined />,
  authorisations: <KeyOutlined />,
  dataAccess: <EyeOutlined />,
  myObjections: <IssuesCloseOutlined />,
  creditReports: <FileSearchOutlined />,
  signalImports: <CloudUploadOutlined />,
  objections: <IssuesCloseOutlined />,
  dataAccessAll: <EyeOutlined />,
  apiKeys: <KeyOutlined />,
  supermarket: <ShoppingOutlined />,
  products: <AppstoreOutlined />,
  productReviews: <CheckSquareOutlined />,
  needs: <ProfileOutlined />,
  needInbox: <InboxOutlined />,
  applications: <FileDoneOutlined />,
  loans: <AccountBookOutlined />,
  calendar: <CalendarOutlined />,
  claims: <AlertOutlined />,
  funds: <FundOutlined />,
  monitoring: <FundProjectionScreenOutlined />,
  ledgerView: <ReconciliationOutlined />,
  needSearch: <SolutionOutlined />,
};

export type ShellActor = {
  displayName: string;
  roleKey: string;
  organisation: { zh: string; en: string };
  areas: string[];
};

export function AppShell({ actor, children }: { actor: ShellActor; children: React.ReactNode }) {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  const areas = AREAS.filter((a) => actor.areas.includes(a.key));
  const within = (path: string) => location.pathname === path || location.pathname.startsWith(path + "/");
  const selected = [...areas].reverse().find((a) => within(a.path) || a.also?.some(within));
  const organisation = i18n.language === "zh-CN" ? actor.organisation.zh : actor.organisation.en;
  return (
    <Layout style={{ minHeight: "100vh" }}>
      <a className="skip-link" href="#main">
        {t("common.skipToContent")}
      </a>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} theme="light" width={216} aria-label={t("common.menu")}>
        <div style={{ padding: "16px 20px" }}>
          <Link to="/" className="brand">
            {t("common.appName")}
          </Link>
        </div>
        <nav data-testid="app-nav">
          <Menu
            mode="inline"
            selectedKeys={selected ? [selected.key] : []}
            items={areas.map((a) => ({
              key: a.key,
              icon: ICONS[a.key],
              label: <Link to={a.path}>{t(`nav.${a.key}`)}</Link>,
            }))}
          />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header className="shell-header">
          <Space wrap size="small">
            <Tag color="blue" data-testid="role-tag">
              {t(`roles.${actor.roleKey}`)}
            </Tag>
            <Typography.Text strong>{organisation}</Typography.Text>
          </Space>
          <Space wrap size="small">
            <Typography.Text>
              <UserOutlined /> {actor.displayName}
            </Typography.Text>
            <LanguageSwitch />
            <Form method="post" action="/sign-out" className="inline-form">
              <CsrfInput />
              <Button htmlType="submit">{t("common.signOut")}</Button>
            </Form>
          </Space>
        </Layout.Header>
        <Layout.Content className="shell-content" id="main" tabIndex={-1}>
          {children}
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
