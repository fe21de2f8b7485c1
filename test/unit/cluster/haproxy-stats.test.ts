// HAProxy's stats CSV as the real haproxy 2.6 serves it (recorded: two API servers refusing connections), read for
// status: the backend's servers with their state; chunked bodies split anywhere; what is not a stats page is refused.
import { describe, expect, it } from 'vitest';
import { parseBackendServers, statsCsvCommand } from '../../../src/cluster/haproxy-stats.js';
import { recordedStatsPage, statsPageWithUp } from '../../support/haproxy-stats-page.js';

const recorded = recordedStatsPage;

describe('parseBackendServers', () => {
  it('reads each server of the backend with its state and last check, not the FRONTEND/BACKEND rows', () => {
    expect(parseBackendServers(recorded, 'kube-apiserver')).toEqual([
      { server: 'bettley', status: 'DOWN', check: 'L4CON Layer4 connection problem' },
      { server: 'cargyll', status: 'DOWN', check: 'L4CON Layer4 connection problem' },
    ]);
    expect(parseBackendServers(recorded, 'stats')).toEqual([]);
  });
  it('a body chunked at any size reads the same; UP servers read UP', () => {
    for (const size of [7, 100, 4096]) expect(parseBackendServers(statsPageWithUp(['bettley', 'cargyll'], size), 'kube-apiserver').map((s) => `${s.server} ${s.status} ${s.check}`)).toEqual(['bettley UP L7OK Layer7 check passed', 'cargyll UP L7OK Layer7 check passed']);
  });
  it('an error, a non-200 answer or a cut-short body is an error that says so', () => {
    expect(() => parseBackendServers('timeout: bash: connect: Connection refused', 'kube-apiserver')).toThrow(/not an HTTP response: timeout/);
    expect(() => parseBackendServers('HTTP/1.1 503 Service Unavailable\r\n\r\n', 'kube-apiserver')).toThrow(/answered HTTP\/1.1 503/);
    expect(() => parseBackendServers(recorded.slice(0, 400), 'kube-apiserver')).toThrow(/cut short/);
  });
  it('fetches the page with bash alone (nodes may have no curl), on loopback', () => {
    expect(statsCsvCommand()).toContain('/dev/tcp/127.0.0.1/8404');
    expect(statsCsvCommand()).toContain('GET /stats;csv HTTP/1.0');
  });
});
