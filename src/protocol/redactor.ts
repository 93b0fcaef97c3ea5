/**
 * Removes secrets from text before it leaves the process (logs, traces, error lines). The API key is
 * registered as soon as the config is read, so even a message built from an API error body that
 * echoes the key comes out clean.
 */
export class Redactor {
  private readonly secrets: string[] = [];

  add(secret: string | undefined): void {
    // Very short values would mangle ordinary words and cannot be real credentials.
    if (secret && secret.length >= 4 && !this.secrets.includes(secret)) this.secrets.push(secret);
    const trimmed = secret?.trim();
    if (trimmed && trimmed !== secret) this.add(trimmed);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join('****');
    return out;
  }
}
