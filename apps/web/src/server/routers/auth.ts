import { login, loginInput, logout } from "@virtfn/core";
import { loginThrottle } from "../rest/rate-limit";
import { clearedSessionCookie, sessionCookie } from "../session-cookie";
import { authedProcedure, publicProcedure, router } from "../trpc";
import { rest } from "../rest/route";
import { authRouterOutputs } from "./outputs.generated";

export const authRouter = router({
  /** Anyone: exchanges a username and password for an httpOnly session cookie. */
  login: publicProcedure
    .input(loginInput)
    .output(authRouterOutputs.login)
    .mutation(async ({ ctx, input }) => {
      const { token, expiresAt, actor } = await login(ctx.db, input, {
        client: ctx.sourceIp,
        throttle: loginThrottle(),
      });
      ctx.resHeaders.append("Set-Cookie", sessionCookie(token, expiresAt, ctx.headers, ctx.url));
      return { username: actor.username, role: actor.role };
    }),

  /** Anyone: ends the session if there is one and clears the cookie. */
  logout: publicProcedure.output(authRouterOutputs.logout).mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await logout(ctx.db, ctx.sessionToken);
    ctx.resHeaders.append("Set-Cookie", clearedSessionCookie(ctx.headers, ctx.url));
    return { ok: true as const };
  }),

  /** Any signed-in user: who am I. */
  me: authedProcedure
    .meta(rest("API keys", "GET /me", "Who am I (role and projects)"))
    .output(authRouterOutputs.me)
    .query(({ ctx }) => ({
      userId: ctx.actor.userId,
      username: ctx.actor.username,
      role: ctx.actor.role,
      projectIds: ctx.actor.projectIds,
    })),
});
