import type { IAspect } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';

/**
 * Makes every alarm it visits (metric and composite) notify the alert topic on ALARM and on OK, so that an
 * alarm added anywhere in the stack reaches on-call without wiring of its own. Alarms in `exclude` keep only
 * the actions they were given: the notifier's dead-letter alarm must not travel through the Slack notifier,
 * which may be what is broken.
 */
export class AlarmNotifications implements IAspect {
  readonly #action: SnsAction;
  readonly #exclude: ReadonlySet<IConstruct>;
  readonly #visited = new WeakSet<IConstruct>();

  constructor(topic: sns.ITopic, options: { exclude?: IConstruct[] } = {}) {
    this.#action = new SnsAction(topic);
    this.#exclude = new Set(options.exclude ?? []);
  }

  visit(node: IConstruct): void {
    if (!(node instanceof cloudwatch.Alarm || node instanceof cloudwatch.CompositeAlarm)) return;
    if (this.#exclude.has(node) || this.#visited.has(node)) return;
    this.#visited.add(node);
    node.addAlarmAction(this.#action);
    node.addOkAction(this.#action);
  }
}
