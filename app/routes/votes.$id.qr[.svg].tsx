import type { LoaderFunctionArgs } from "@remix-run/node";
import QRCode from "qrcode";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { getVote } from "~/meeting/votes.server";
import { canManageVotes, forbidden, notFound } from "~/policy.server";
import { idParam } from "~/utils/route.server";

/**
 * The QR code (SVG, made on the server by the `qrcode` library) that opens a vote's ballot page on a member's
 * phone. Staff show it on the screen in the hall. The address is this server's own origin as the request saw it.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!canManageVotes(user)) forbidden("只有人大工作人员可以展示测评二维码。");
  const vote = await getVote(getDb(), idParam(params.id, "该测评不存在"));
  if (!vote) notFound("该测评不存在");
  const url = new URL(`/votes/${vote.id}`, request.url).toString();
  const svg = await QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return new Response(svg, { headers: { "Content-Type": "image/svg+xml; charset=utf-8", "Cache-Control": "private, max-age=300" } });
}
