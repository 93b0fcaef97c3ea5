// Every test talks to 127.0.0.1 only. nock guards node:http and the global fetch; the connector's
// own undici client is pointed at loopback simulators by each test, and `api_url` validation
// refuses plain-http non-loopback hosts anyway.
import nock from 'nock';

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
