// Container health check without curl in the image: exits 0 when the URL answers 2xx.
const url = process.argv[2];
if (!url) {
  console.error('usage: healthcheck <url>');
  process.exit(2);
}
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(4000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
