import { startSlackServer, type SlackServer } from "../../scripts/sinks/slack-server.js";

/** The Slack stand-in with one bot token that may post to and read the history of `channel`. */
export function startAlertSlack(token: string, channel: string): Promise<SlackServer> {
  return startSlackServer({
    tokens: { [token]: { scopes: ["chat:write", "channels:history"] } },
    channels: [{ id: channel }],
  });
}

/** The config's "oncall" Slack notifier: its token from `${SLACK_TOKEN}`, posting to `channel`. */
export function oncallSlackNotifier(
  channel: string,
  apiUrl: string,
): { name: string; kind: "slack"; token: string; channel: string; apiUrl: string } {
  return { name: "oncall", kind: "slack", token: "${SLACK_TOKEN}", channel, apiUrl };
}
