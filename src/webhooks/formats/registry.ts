import { ValidationError } from '../../errors.js';
import { datasaurFormat } from './datasaur.js';
import type { PayloadFormat, WebhookFormatName } from './format.js';
import { labelStudioFormat } from './label-studio.js';
import { labelatorFormat } from './labelator.js';
import { standardFormat } from './standard.js';

const FORMATS: Record<WebhookFormatName, PayloadFormat> = {
  standard: standardFormat,
  datasaur: datasaurFormat,
  'label-studio': labelStudioFormat,
  labelator: labelatorFormat,
};

/** Every format name a webhook accepts, `standard` (the default) first. */
export const FORMAT_NAMES = Object.keys(FORMATS) as readonly WebhookFormatName[];

/** True when `name` is a known format. */
export function isFormatName(name: string): name is WebhookFormatName {
  return Object.hasOwn(FORMATS, name);
}

/** The format called `name`; an unknown name is a validation error (422). */
export function getFormat(name: string): PayloadFormat {
  if (!isFormatName(name)) {
    throw new ValidationError(`Unknown webhook format "${name}".`, { format: name, allowed: FORMAT_NAMES }, 'unknown_format');
  }
  return FORMATS[name];
}
