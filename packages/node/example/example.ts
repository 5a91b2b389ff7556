// Uses the whole public API with strict types; checked by `tsc --noEmit --strict`.
import { inspect } from 'node:util';
import pino from 'pino';
import winston from 'winston';
import {
  ApiKey, AuditEvent, Client, KeyRing, Monitor, StreamRedactor,
  detectEnvironment, checkEnvironment, checkMode, checkKeys, parseDotEnv, loadKeys,
  redact, redactJson, containsSecret, pinoOptions, pinoDestination, winstonFormat,
  PictifyKeyError, KeyFormatError, EnvironmentError, SourceError, HttpError, AuditError, InvalidArgumentError,
  type Detection, type Allowed, type CheckReport, type LoadedKeys, type KeyStats, type Decision, type ApiResponse, type Image,
  type AlertUpdate, type MonitorReport, type Alert,
} from '@pictify/keys';

function describe(e: unknown): string {
  if (e instanceof KeyFormatError) return `${e.code} at ${e.position ?? '-'} ${e.vendor ?? ''}`;
  if (e instanceof EnvironmentError || e instanceof SourceError || e instanceof AuditError || e instanceof InvalidArgumentError) return e.code;
  if (e instanceof HttpError) return `${e.code} ${e.status ?? ''}`;
  if (e instanceof PictifyKeyError) return `${e.family}/${e.code}`;
  return String(e);
}

const key: ApiKey = ApiKey.parse('pk_test_FAKE3Wwd25rq4f5zr3a1b2');
const mode: 'live' | 'test' = key.mode;
const shown: string = `${key.fingerprint} ${key.toString()} ${JSON.stringify(key)} ${inspect(key)} ${mode}`;
const secret: string = key.reveal();
const same: boolean = key.equals(ApiKey.parse(secret));

const detection: Detection = detectEnvironment();
const fromMap: Detection = detectEnvironment({ NODE_ENV: 'production', EMPTY: undefined });
let allowed: Allowed | undefined;
try {
  allowed = checkEnvironment(key, fromMap);
  allowed = checkEnvironment(key, 'staging', { allowLiveOutsideProduction: true });
  allowed = checkMode('live', detection);
} catch (e) {
  console.log(describe(e));
}
const report: CheckReport = checkKeys(parseDotEnv('PICTIFY_API_KEY=pk_test_FAKE3Wwd25rq4f5zr3a1b2\n'), 'env-file:.env');
const exit: number = report.exitStatus;
const verdicts: string[] = report.keys.map((k) => `${k.variable}: ${k.verdict} ${k.code ?? ''}`);

const loaded: LoadedKeys = loadKeys({ env: process.env, secretFile: '/var/run/secrets/pictify/api-key', dotenvFile: '.env' });
const origins: string[] = loaded.keys.map((k) => `${k.origin} ${k.key.fingerprint}`);

const ring = new KeyRing(['pk_live_FAKE3Wwd25rq4f5zr3a1b2'], { maxRetries: 2, jitter: false });
const ring2: KeyRing = KeyRing.load({ keys: ['pk_live_FAKE3Wwd25rq4f5zr3a1b2'] });
const req = ring.beginRequest();
const attempt = ring.attempt(req);
const decision: Decision = ring.onOutcome(req, attempt, { status: 503, retryAfter: '1' });
const delay: number | null = decision.delayMs;
const stats: KeyStats[] = ring2.stats();

const line: string = redact(`Authorization: Bearer ${secret}`);
const masked: string = redact(line, 'mask');
const json: unknown = redactJson({ apiKey: secret, nested: [1, 'x'] });
const found: boolean = containsSecret(line);
const stream = new StreamRedactor('redacted');
const out: string = stream.pushText('token=pk_live_FAKE') + stream.pushText(Buffer.from('3Wwd25rq4f5zr3a1b2\n')) + stream.finishText();

const event = AuditEvent.forKey(key, { action: 'image.render', endpoint: '/image', method: 'POST', status: 200 });
const byId = AuditEvent.forKeyId('key_01hv3k', { action: 'image.render', endpoint: '/image', method: 'POST', status: 200, ip: '127.0.0.1' });
const auditLine: string = JSON.stringify(event.toJSON()) + byId.toJsonLine() + event.keyId;

const logger = pino(pinoOptions({ level: 'info' }));
const logger2 = pino(pinoDestination(process.stderr));
const wlog = winston.createLogger({ format: winston.format.combine(winston.format.errors({ stack: true }), winston.format.json(), winstonFormat()), transports: [new winston.transports.Console()] });
logger.info({ key }, 'using key');
logger2.info('x');
wlog.info('using key', { key: key.fingerprint });

const monitor = new Monitor('[keys.key_01hv3k]\nallowed_networks = ["203.0.113.0/24"]\n', {
  onAlert: (u: AlertUpdate) => console.log(u.phase, u.alert.kind, u.alert.keyId, u.alert.top_ips.length),
});
monitor.feed(event);
monitor.feed(event.toJSON());
monitor.feed(`${byId.toJsonLine()}\n`);
monitor.advance();
monitor.advance(new Date());
const polled: AlertUpdate[] = new Monitor().poll();
const monitored: MonitorReport = monitor.report();
const critical: Alert[] = monitored.alerts.filter((a) => a.severity === 'critical');
const watched = new Client({ keys: [secret], environment: 'production', monitor });
console.log(polled.length, monitored.keys.map((k) => k.requests), critical.length, watched.stats().length);

async function callApi(): Promise<void> {
  const client = new Client({ baseUrl: 'http://127.0.0.1:8080', timeoutMs: 5000, ring: { maxRetries: 2 } });
  const image: Image = await client.images.create({ html: '<h1>Hello</h1>', width: 1200 });
  const me: ApiResponse = await client.request('GET', '/me');
  client.reloadKeys();
  console.log(image.url, me.keyFingerprint, me.fallbacks.length, client.stats().length);
}

void callApi().catch((e: unknown) => console.log(describe(e)));
console.log(shown, same, allowed, exit, verdicts, origins, delay, stats, masked, json, found, out, auditLine);
