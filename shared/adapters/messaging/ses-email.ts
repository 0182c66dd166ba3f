/**
 * E-mail through Amazon SES v2 SendEmail from the verified sender identity: one message to the addresses it is
 * given (at most 50 recipients, SES's limit; the notifier gives one each, so each recipient's delivery is
 * recorded on its own), subject and text rendered in the notification's language,
 * UTF-8. Tags carry the template and a hash of the dedupe key (tag values allow only letters, digits, _ and -),
 * so a duplicate shows in SES event records; SES does not deduplicate. SES's refusals of the message as
 * addressed (SES_REFUSED_RECIPIENT_ERRORS) are permanent; throttling, 5xx and account or identity problems
 * are worth another try.
 */
import { createHash } from 'node:crypto';
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DEFAULT_LANGUAGE, renderTemplate } from '../../domain/notifications/templates.js';
import type { Notification } from '../../ports/notifications.js';

/** SES's limit on recipients of one message. */
export const SES_MAX_RECIPIENTS = 50;

/** The tag value of a dedupe key: SHA-256 hex (letters and digits only, 64 characters). */
export const dedupeTag = (dedupeKey: string) => createHash('sha256').update(dedupeKey).digest('hex');

/**
 * SendEmail errors that refuse the message as addressed (SES v2's model): MessageRejected (an address SES will
 * not send to, such as an unverified one in the sandbox) and BadRequestException (an address SES cannot parse;
 * the rest of the request is checked against the model in tests). TooManyRequests, LimitExceeded, 5xx,
 * SendingPaused, AccountSuspended, MailFromDomainNotVerified and NotFound are retried.
 */
export const SES_REFUSED_RECIPIENT_ERRORS: ReadonlySet<string> = new Set([
  'MessageRejected',
  'BadRequestException',
]);

/** Whether a SendEmail error refuses the recipient for good. */
export const sesRefusesRecipient = (error: unknown): boolean =>
  SES_REFUSED_RECIPIENT_ERRORS.has((error as { name?: string } | undefined)?.name ?? '');

export class SesEmail {
  constructor(
    private readonly client: SESv2Client,
    private readonly fromAddress: string,
    private readonly configurationSet?: string,
  ) {}

  /** Sends the notification to `to`; SES's MessageId. */
  async send(to: readonly string[], notification: Notification): Promise<string> {
    const { subject, body } = renderTemplate(
      notification.template,
      notification.params,
      notification.language ?? DEFAULT_LANGUAGE,
    );
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.fromAddress,
        Destination: { ToAddresses: to.slice(0, SES_MAX_RECIPIENTS) },
        Content: {
          Simple: {
            Subject: { Data: subject, Charset: 'UTF-8' },
            Body: { Text: { Data: body, Charset: 'UTF-8' } },
          },
        },
        EmailTags: [
          { Name: 'template', Value: notification.template },
          { Name: 'dedupe', Value: dedupeTag(notification.dedupeKey) },
        ],
        ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
      }),
    );
    return out.MessageId ?? notification.dedupeKey;
  }
}
