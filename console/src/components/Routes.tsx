import { DeliveriesPage } from '../pages/DeliveriesPage.tsx';
import { DeliveryPage } from '../pages/DeliveryPage.tsx';
import { NotFoundPage } from '../pages/NotFoundPage.tsx';
import { ProjectPage } from '../pages/ProjectPage.tsx';
import { ProjectsPage } from '../pages/ProjectsPage.tsx';
import { WebhookFormPage } from '../pages/WebhookFormPage.tsx';
import { WebhookPage } from '../pages/WebhookPage.tsx';
import { WebhooksPage } from '../pages/WebhooksPage.tsx';
import { useRoute } from '../router.ts';

/** Renders the page of the current hash route. */
export function Routes() {
  const route = useRoute();
  const id = route.params.id ?? '';
  switch (route.name) {
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
