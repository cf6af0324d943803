import type { FastifyReply } from "fastify";
import { html, sendPage } from "./page-html.js";

/** Where to go after a login: a local page path only, so the form cannot redirect off-site. */
export function safeNext(next: unknown): string {
  if (typeof next !== "string") return "/";
  return /^\/(?!\/)[A-Za-z0-9_\-/?=&%.]*$/.test(next) && !next.startsWith("/login") ? next : "/";
}

/** Answers with the login form (401 unless told): the page asks for the API token once. */
export function sendLogin(
  reply: FastifyReply,
  next: string,
  problem: string | null = null,
  status = 401,
): FastifyReply {
  const body = html`<h1>Sign in</h1>
    <section>
      <p>
        This status page is protected by the API token (<code>server.apiToken</code>). Enter it
        once; this browser then keeps a signed login cookie for 7 days (the token itself is not
        stored).
      </p>
      ${problem === null ? "" : html`<p class="notice err" role="alert">${problem}</p>`}
      <form method="post" action="login" class="filters">
        <input type="hidden" name="next" value="${safeNext(next)}" />
        <label
          >API token<input type="password" name="token" autocomplete="current-password" required
        /></label>
        <button type="submit">Sign in</button>
      </form>
    </section>`;
  return sendPage(reply, status, { title: "Sign in", body, who: null, fleetLink: false });
}

/** Answers a refused page request (bad share link, not loopback) with a page, never data. */
export function sendRefusal(reply: FastifyReply, status: number, message: string): FastifyReply {
  const body = html`<h1>${status === 404 ? "Not found" : "Not allowed"}</h1>
    <section><p class="notice err" role="alert">${message}</p></section>`;
  return sendPage(reply, status, { title: "Not allowed", body, who: null, fleetLink: false });
}
