//! The incident-response runbook that `pictify-keys incident --template` writes.

/// The runbook for a leaked or compromised Pictify API key, from Pictify's guidance: the
/// immediate actions (revoke, replace, update services, review logs), then the
/// investigation (scope, usage, source) and prevention. Places the project must fill in are
/// marked `[fill in: …]`; `pictify-keys doctor` warns while any is left.
pub const RUNBOOK_TEMPLATE: &str = r#"# Incident response: a leaked or compromised Pictify API key

This runbook says what to do when a Pictify API key may have leaked: committed to git,
pasted in a ticket or chat, printed in a log, or seen in use from somewhere unexpected.
Keep it next to the code, and walk it whenever a key may have been exposed. It was written
by `pictify-keys incident --template`; replace each `[fill in: …]` with your project's facts
(`pictify-keys doctor` warns while one is left).

## Who

- Owner of this runbook: [fill in: person or team]
- Who can revoke and create keys in the Pictify dashboard: [fill in: names, and a backup]
- Where to raise the alarm (chat channel, pager): [fill in: channel or rota]
- Services that hold a Pictify key (see `pictify-keys keys`): [fill in: or "see pictify-keys.toml"]

## Immediate actions (first hour)

Do these in order; do not wait for the investigation to finish.

1. **Revoke the key** in the Pictify dashboard. A revoked key stops working at once, so
   revoke first and investigate after. Note the time of revocation (UTC).
2. **Create a replacement key** with only the access its purpose needs (a test key outside
   production, a read-only key for read-only jobs; one key per purpose).
3. **Update every service** that used the old key. During the switch, deploy the new key as
   `PICTIFY_API_KEY_NEW` next to the old one: the SDK tries the new key first and falls back,
   so nothing breaks. Then remove the old key everywhere: environment variables, secrets
   managers, `.env` files, CI settings.
4. **Review the logs** for the key's use since the exposure:

   ```sh
   pictify-keys incident KEY_ID --config pictify-keys.toml --audit /var/log/pictify/audit-*.jsonl.gz \
       --exposed-at 2026-01-20T09:00:00Z --revoked-at 2026-01-20T10:15:00Z --repo .
   ```

   Any successful (2xx) request after the revocation time is critical: the key is still
   working somewhere, or another key is compromised too.

## Investigation (first day)

- **Scope: what could have been accessed.** The report's table of endpoints × methods ×
  status lists writes first. A full-access key can create, change and delete; a read-only
  key can read every resource of the account.
- **Usage.** The timeline, the per-IP table (first seen, last seen, count, inside the allowed
  networks or not) and the list of requests from outside the allowed networks or after the
  exposure show whether someone else used the key.
- **Source: how it was exposed.** Where the key appears: the working tree, env files, git
  history (with commit and author; `pictify-keys scan --history`), the log files given.
  A key removed from the tree but alive in git history is still exposed: rewriting history
  does not un-leak it, revoking does.
- Write down what happened, when, and the evidence (log lines, commits), in:
  [fill in: where incident notes are kept]

## Prevent a recurrence (first week)

- Keys come from environment variables or a secrets manager, never from source code
  (`pictify-keys scan` as a pre-commit hook and in CI).
- `.env` files are excluded from git (`pictify-keys doctor`).
- Separate keys for production and development; a live key only in production.
- Rotate keys at least every 365 days; revoke keys unused for 90 days and the keys of
  people who leave (`pictify-keys keys`).
- Monitor usage: `pictify-keys audit --config pictify-keys.toml` on the audit logs, with
  allowed networks and business hours per key, and act on its alerts.
- Restrict who can create keys in the dashboard.
- Keep this runbook current: review it after every incident and at least once a year.
  Next review: [fill in: date]
"#;
