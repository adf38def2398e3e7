import { useSession } from '../api/context.ts';
import type { Route } from '../router.ts';
import { canSetUp } from '../roles.ts';
import { DeliveriesPage } from '../pages/DeliveriesPage.tsx';
import { DocumentPage } from '../pages/DocumentPage.tsx';
import { ProjectFormPage } from '../pages/ProjectFormPage.tsx';
import { QueuePage } from '../pages/QueuePage.tsx';
import { TeamPage } from '../pages/TeamPage.tsx';
import { DeliveryPage } from '../pages/DeliveryPage.tsx';
import { NotFoundPage } from '../pages/NotFoundPage.tsx';
import { ProjectPage } from '../pages/ProjectPage.tsx';
import { ProjectsPage } from '../pages/ProjectsPage.tsx';
import { WebhookFormPage } from '../pages/WebhookFormPage.tsx';
import { WebhookPage } from '../pages/WebhookPage.tsx';
import { WebhooksPage } from '../pages/WebhooksPage.tsx';
import { useRoute } from '../router.ts';

// Set-up screens (projects, documents, members, keys, webhooks) are for admins, as in the API.
const SET_UP: Route['name'][] = ['webhooks', 'webhook-new', 'webhook', 'webhook-edit', 'deliveries', 'delivery', 'project-new', 'project-edit', 'team'];

/** Renders the page of the current hash route; members who are not admins start at the projects and never see set-up screens. */
export function Routes() {
  const route = useRoute();
  const { me } = useSession();
  const id = route.params.id ?? '';
  const mode = route.query.get('mode') === 'reviewer' ? 'reviewer' : 'labeler';
  if (!canSetUp(me.member.role) && SET_UP.includes(route.name)) return <ProjectsPage />;
  switch (route.name) {
    case 'project-new':
      return <ProjectFormPage key="new" />;
    case 'project-edit':
      return <ProjectFormPage key={`edit-${id}`} id={id} />;
    case 'queue':
      return <QueuePage key={`${id}-${mode}`} id={id} mode={mode} />;
    case 'document':
      return <DocumentPage key={`${id}-${mode}`} id={id} mode={mode} />;
    case 'team':
      return <TeamPage />;
    case 'projects':
      return <ProjectsPage />;
    case 'project':
      return <ProjectPage key={id} id={id} />;
    case 'webhooks':
      return <WebhooksPage />;
    case 'webhook-new':
      return <WebhookFormPage key="new" />;
    case 'webhook-edit':
      return <WebhookFormPage key={`edit-${id}`} id={id} />;
    case 'webhook':
      return <WebhookPage key={id} id={id} query={route.query} />;
    case 'deliveries':
      return <DeliveriesPage query={route.query} />;
    case 'delivery':
      return <DeliveryPage key={id} id={id} />;
    default:
      return <NotFoundPage />;
  }
}
