import type { ComponentChildren } from 'preact';
import { useSession } from '../api/context.ts';
import { canSetUp } from '../roles.ts';
import { href, useRoute } from '../router.ts';

const NAV = [
  { path: '/webhooks', label: 'Webhooks', match: ['webhooks', 'webhook', 'webhook-new', 'webhook-edit'] },
  { path: '/deliveries', label: 'Deliveries', match: ['deliveries', 'delivery'] },
  { path: '/projects', label: 'Projects', match: ['projects', 'project', 'project-new', 'project-edit', 'queue', 'document'] },
  { path: '/team', label: 'Team', match: ['team'] },
];

// What a member who is not an admin may open (the rest are set-up screens).
const FOR_EVERYONE = ['/projects'];

/** The frame around every signed-in page: product name, navigation, who is signed in. */
export function Layout({ children }: { children: ComponentChildren }) {
  const { me, signOut } = useSession();
  const route = useRoute();
  const nav = canSetUp(me.member.role) ? NAV : NAV.filter((n) => FOR_EVERYONE.includes(n.path));
  return (
    <div class="shell">
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={href(canSetUp(me.member.role) ? '/webhooks' : '/projects')}>labelhook</a>
        <nav aria-label="Main">
          <ul>
            {nav.map((n) => (
              <li key={n.path}>
                <a href={href(n.path)} aria-current={n.match.includes(route.name) ? 'page' : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span title={`${me.member.email} (${me.member.role}) in ${me.team.name}`}>
            {me.member.email} · {me.team.name} · {me.member.role}
          </span>
          <button type="button" class="link" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
