import type { Route } from "./+types/objection-attachment";
import { getObjectionAttachment } from "~/domain/credit/objections/list-objections.server";
import { orHttpError, requireActor } from "~/web/request.server";

/** The evidence file: for the enterprise that sent it and the office deciding it (checked in the domain). */
export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = requireActor(request, context);
  if (!/^[0-9a-f-]{36}$/.test(params.objectionId)) throw new Response("Not Found", { status: 404 });
  const file = await orHttpError(() => getObjectionAttachment({ actor, objectionId: params.objectionId }));
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      "Content-Type": file.type,
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
