/** Handlers of the tasks channels: Model packs and classify / vqa / embed / few-shot tasks. */
import type { tasksChannels } from '../../../common/contract/channels/tasks';
import type { DomainHandlers } from '../../ipc/router';
import type { ServiceDeps } from '../handlers';

export function createTaskHandlers(_deps: ServiceDeps): DomainHandlers<typeof tasksChannels> {
  return {};
}
