// Which callback URLs an application may have the verifier sent to (RFC 5849 section 2.1 leaves this to the
// server). Absolute http(s) only; no credentials in the URL (`https://app@evil.example/` reads as app but goes
// to evil.example), no whitespace or control characters, bounded length.
export const MAX_CALLBACK_LENGTH = 2000;

export function isAcceptableCallbackUrl(value: string): boolean {
  if (value.length > MAX_CALLBACK_LENGTH || /[\u0000-\u0020\u007f]/.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '' && url.hostname !== '';
}
