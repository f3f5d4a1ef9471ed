import { type RouteConfig, index, layout, prefix, route } from "@react-router/dev/routes";

export default [
  index("routes/home.tsx"),
  route("sign-in", "routes/sign-in.tsx"),
  route("sign-out", "routes/sign-out.tsx"),
  route("register", "routes/register.tsx"),
  route("locale", "routes/locale.tsx"),
  ...prefix("app", [
    layout("routes/app/layout.tsx", [
      index("routes/app/dashboard.tsx"),
      route("enterprise", "routes/app/enterprise.tsx"),
      route("institution", "routes/app/institution.tsx"),
      route("institutions", "routes/app/institutions.tsx"),
      route("institutions/:institutionId", "routes/app/institution-detail.tsx"),
      route("users", "routes/app/users.tsx"),
      route("enterprises", "routes/app/enterprises.tsx"),
      route("audit", "routes/app/audit.tsx"),
      route("health", "routes/app/health.tsx"),
    ]),
  ]),
  route("*", "routes/not-found.tsx"),
] satisfies RouteConfig;
