// The HTTP client the checks of HTTP services run: the official curl image, pinned.
/** curlimages/curl: maintained by the curl project; runs as curl_user. */
export const CURL_IMAGE = 'docker.io/curlimages/curl:8.16.0';
export const CURL_UID = 100;

/** A shell line printing `<marker> <body>` then `<marker>-status <HTTP code>` for a GET. */
export function getLine(marker: string, url: string, auth = false, caFile?: string): string {
  const user = auth ? ' -u "$HTTP_USER:$HTTP_PASSWORD"' : '';
  const ca = caFile ? ` --cacert ${caFile}` : '';
  return `echo "${marker} $(curl -sS -m 20${user}${ca} -o /tmp/${marker} -w '%{http_code}' '${url}') $(tr -d '\\n' < /tmp/${marker})"`;
}

/** Parses a `getLine` result: the status code and the body. */
export function parseGet(line: string | undefined): { status: number; body: string } | undefined {
  if (!line) return undefined;
  const m = /^(\d{3}) ?(.*)$/s.exec(line);
  return m ? { status: Number(m[1]), body: m[2]! } : undefined;
}

export function json(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}
