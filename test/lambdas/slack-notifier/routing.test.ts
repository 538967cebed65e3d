import { describe, expect, it } from 'vitest';
import { chooseRoute, parseRoutes, type Route } from '../../../lambdas/slack-notifier/routing';

const production: Route[] = [
  { channel: '#signupflow-alerts', severities: ['warning', 'info'], secretArn: 'arn:alerts' },
  { channel: '#signupflow-oncall', severities: ['critical'], secretArn: 'arn:oncall' },
];

describe('choosing the webhook', () => {
  it('sends each severity to the webhook that takes it, from the default channel', () => {
    expect(chooseRoute(production, '#signupflow-alerts', 'critical')?.secretArn).toBe('arn:oncall');
    expect(chooseRoute(production, '#signupflow-alerts', 'warning')?.secretArn).toBe('arn:alerts');
    expect(chooseRoute(production, '#signupflow-alerts', 'info')?.secretArn).toBe('arn:alerts');
  });

  it('honours the channel a message asks for when that webhook takes the severity', () => {
    const routes: Route[] = [
      { channel: '#signupflow-alerts', secretArn: 'arn:alerts' },
      { channel: '#signupflow-db', secretArn: 'arn:db' },
    ];
    expect(chooseRoute(routes, '#signupflow-db', 'warning')?.secretArn).toBe('arn:db');
  });

  it('never drops a message: an unknown channel and severity still get a webhook', () => {
    const onlyCritical: Route[] = [
      { channel: '#signupflow-oncall', severities: ['critical'], secretArn: 'arn:oncall' },
    ];
    expect(chooseRoute(onlyCritical, '#nowhere', 'info')?.secretArn).toBe('arn:oncall');
    expect(chooseRoute([], '#nowhere', 'info')).toBeUndefined();
  });

  it('reads the routing table the stack passes, and refuses one with a URL instead of a secret', () => {
    expect(parseRoutes(JSON.stringify(production))).toEqual(production);
    expect(() =>
      parseRoutes(JSON.stringify([{ channel: '#a', url: 'https://hooks.slack.com/x' }])),
    ).toThrow();
  });
});
