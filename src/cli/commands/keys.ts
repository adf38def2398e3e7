import { Option, type Command } from 'commander';
import { CliUsageError } from '../../errors.js';
import { createApiClient } from '../api-client.js';
import { clientOptionsOf, withClientOptions } from '../client-options.js';
import { colorsFor } from '../colors.js';
import { fetchAll } from '../paging.js';
import { renderJson, renderTable } from '../table.js';

interface KeyView {
  id: string;
  prefix: string;
  name: string;
  member: { id: string; email: string; name: string; role: string };
  createdAt: string;
  revokedAt: string | null;
}

interface CreateFlags {
  name?: string;
  member?: string;
  role?: string;
  email?: string;
  memberName?: string;
  json?: boolean;
}

const out = (text: string): void => {
  process.stdout.write(text);
};

/** `labelhook keys create|list|revoke`: manage the team's API keys from scripts (admins). */
export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description("manage the team's API keys (admins)");

  withClientOptions(
    keys
      .command('create')
      .description('create an API key: for yourself, for a member (--member), or for a new member (--email and --role)')
      .option('--name <name>', 'a name to recognise the key by')
      .option('--member <id>', 'an existing member of the team')
      .option('--email <email>', 'add a new member with this email (needs --role)')
      .addOption(new Option('--role <role>', 'role of the new member').choices(['admin', 'labeler', 'reviewer']))
      .option('--member-name <name>', "the new member's display name")
      .option('--json', 'print the answer as JSON')
      .addHelpText('after', '\nExamples:\n  $ labelhook keys create --name ci\n  $ labelhook keys create --email ann@example.com --role labeler --json'),
  ).action(async (flags: CreateFlags, cmd: Command) => {
    const api = createApiClient(clientOptionsOf(cmd));
    const c = colorsFor(process.stdout, process.env);
    if ((flags.email === undefined) !== (flags.role === undefined)) throw new CliUsageError('--email and --role go together: they add a new member with a key.');
    if (flags.email !== undefined && flags.member !== undefined) throw new CliUsageError('Use --member for an existing member, or --email and --role for a new one, not both.');
    if (flags.email !== undefined) {
      const member = await api.post<{ id: string; email: string; role: string; apiKey: string }>('/members', {
        email: flags.email,
        role: flags.role,
        ...(flags.memberName ? { name: flags.memberName } : {}),
      });
      if (flags.json) return out(renderJson(member));
      out(`Added ${member.email} (${member.role}, ${member.id}) to the team.\nAPI key (shown only now; store it safely): ${c.bold(member.apiKey)}\n`);
      return;
    }
    const created = await api.post<KeyView & { key: string }>('/keys', { ...(flags.member ? { memberId: flags.member } : {}), ...(flags.name ? { name: flags.name } : {}) });
    if (flags.json) return out(renderJson(created));
    out(`Created key ${created.id} "${created.name}" for ${created.member.email} (${created.member.role}).\nAPI key (shown only now; store it safely): ${c.bold(created.key)}\n`);
  });

  withClientOptions(keys.command('list').description("list the team's API keys, revoked ones included").option('--json', 'print the answer as JSON')).action(
    async (flags: { json?: boolean }, cmd: Command) => {
      const api = createApiClient(clientOptionsOf(cmd));
      const items = await fetchAll<KeyView>(api, '/keys');
      if (flags.json) return out(renderJson(items));
      const c = colorsFor(process.stdout, process.env);
      if (items.length === 0) return out('No API keys.\n');
      out(
        renderTable(
          ['ID', 'PREFIX', 'NAME', 'MEMBER', 'ROLE', 'CREATED', 'STATUS'],
          items.map((k) => [k.id, `${k.prefix}…`, k.name, k.member.email, k.member.role, k.createdAt, k.revokedAt ? c.red(`revoked ${k.revokedAt}`) : c.green('active')]),
          c,
        ),
      );
    },
  );

  withClientOptions(
    keys.command('revoke').description('revoke an API key: it stops working at once').argument('<id>', 'the key id (from `keys list`)').option('--json', 'print the answer as JSON'),
  ).action(async (id: string, flags: { json?: boolean }, cmd: Command) => {
    const api = createApiClient(clientOptionsOf(cmd));
    const key = await api.delete<KeyView>(`/keys/${encodeURIComponent(id)}`);
    if (flags.json) return out(renderJson(key));
    out(`Revoked ${key.id} (${key.prefix}…, "${key.name}") of ${key.member.email} at ${key.revokedAt}.\n`);
  });
}
