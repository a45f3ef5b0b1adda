import { placeholdersIn } from '../template/placeholders';
import { renderUrl } from '../template/payloadTemplate';
import { SettingsError } from './fields';

/** The `scheme://host:port` of an absolute template, as written. */
const LITERAL_ORIGIN = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/**
 * Checks a URL template: an absolute http(s) URL whose scheme and host are written out
 * (no variable may choose where the call goes; README "Security"), or a path starting
 * with `/` that is joined to the integration's base URL, using only the allowed variables.
 */
export function checkUrlTemplate(
  key: string,
  template: string,
  allowed: ReadonlySet<string>,
): void {
  const unknown = placeholdersIn(template).filter(v => !allowed.has(v));
  if (unknown.length) {
    throw new SettingsError(
      `${key} uses unknown variable ${unknown.map(v => `$${v}`).join(', ')}; available here: ${[
        ...allowed,
      ]
        .map(v => `$${v}`)
        .join(', ')}`,
    );
  }
  if (!template.startsWith('/')) {
    const origin = LITERAL_ORIGIN.exec(template)?.[0];
    if (!origin || placeholdersIn(origin).length > 0) {
      throw new SettingsError(
        `${key} must start with a literal scheme and host (https://itsm.example.com/...) or with /; a $variable cannot choose where the call goes`,
      );
    }
  }
  const sample = renderUrl(
    template,
    Object.fromEntries([...allowed].map(v => [v, 'X1'])),
  );
  if (sample.startsWith('/')) return;
  let url: URL;
  try {
    url = new URL(sample);
  } catch {
    throw new SettingsError(
      `${key} '${template}' is not an absolute http(s) URL or a path starting with /`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SettingsError(
      `${key} must use http or https, not ${url.protocol.replace(':', '')}`,
    );
  }
  if (url.username || url.password) {
    throw new SettingsError(
      `${key} must not carry credentials; put them in the integration's credentials`,
    );
  }
}

/** The absolute URL of a rendered template, joining paths to the base URL. */
export function absoluteUrl(rendered: string, baseUrl: string): string {
  if (/^https?:\/\//i.test(rendered)) return rendered;
  return `${baseUrl.replace(/\/+$/, '')}/${rendered.replace(/^\/+/, '')}`;
}
