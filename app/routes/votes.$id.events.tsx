import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireUser } from "~/auth/session.server";
import { getDb } from "~/db.server";
import { liveStream, sinceOf } from "~/live/stream.server";
import { voteLiveVersion } from "~/live/views.server";
import { idParam } from "~/utils/route.server";
import { getVote } from "~/meeting/votes.server";
import { canManageVotes, canSeeVoteResults, canUseVotes, forbidden, notFound } from "~/policy.server";

/**
 * One vote's live events (server-sent events; app/live/stream.server.ts): turnout and state changed, for whoever
 * may open the vote page (the same policy questions, asked again at every change). Only changes of this vote
 * concern it: every write of a vote is audited as the vote.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const version = async () => {
    const user = await requireUser(request);
    if (!canUseVotes(user)) forbidden("满意度测评仅供委员、代表和人大工作人员使用。");
    const vote = await getVote(db, idParam(params.id, "该测评不存在"));
    if (!vote) notFound("该测评不存在");
    if (!canSeeVoteResults(user, vote.inquiry_id)) forbidden("该测评所属的专题询问不在您参与的范围内。");
    return voteLiveVersion(db, vote.id, { withRoll: canManageVotes(user) });
  };
  await version();
  const id = String(idParam(params.id, "该测评不存在"));
  return liveStream(request, { version, since: sinceOf(request), concerns: (change) => change.e === "vote" && change.id === id });
}
