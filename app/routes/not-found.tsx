import { ErrorPage } from "~/components/ErrorPage";

export async function loader() {
  throw new Response("Not Found", { status: 404 });
}

export default function NotFound() {
  return <ErrorPage kind="notFound" />;
}
