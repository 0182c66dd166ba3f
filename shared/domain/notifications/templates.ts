// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${name} is the provider's template placeholder, not JavaScript's.
/**
 * What we tell tenants, as templates: an id, its parameters, and per language a subject and a body with
 * `${name}` placeholders (Aliyun's template syntax, so the zh-CN bodies are the texts registered with the SMS
 * provider, each under its own template code). Rendering is pure: e-mail gets subject and body in the
 * notification's language (zh-CN by default); SMS is rendered by the provider from the template code and the
 * parameters, and locally from the same text behind the 【signature】.
 */

export type Language = 'zh-CN' | 'en';
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

interface Text {
  readonly subject: string;
  readonly body: string;
}

interface TemplateDefinition {
  readonly params: readonly string[];
  readonly 'zh-CN': Text;
  readonly en: Text;
}

export const TEMPLATES = {
  low_balance: {
    params: ['balance', 'threshold'],
    'zh-CN': {
      subject: '余额不足提醒',
      body: '您的400热线余额为${balance}，已低于提醒阈值${threshold}，请及时充值。',
    },
    en: {
      subject: 'Low balance',
      body: 'Your 400 hotline balance is ${balance}, below your alert threshold of ${threshold}.',
    },
  },
  arrears: {
    params: ['balance', 'owed', 'rate'],
    'zh-CN': {
      subject: '服务已暂停：余额用尽',
      body: '您的400热线余额为${balance}（欠费${owed}），不足一分钟通话费${rate}，新来电将被拒接，请充值以恢复服务。',
    },
    en: {
      subject: 'Service stopped: balance exhausted',
      body: 'Your 400 hotline balance is ${balance} (${owed} owed), less than one minute of calls at ${rate}; new calls are refused until you top up.',
    },
  },
  service_restored: {
    params: ['balance'],
    'zh-CN': { subject: '服务已恢复', body: '感谢充值：您的余额为${balance}，服务已恢复。' },
    en: {
      subject: 'Service restored',
      body: 'Thank you for topping up: your balance is ${balance} and service is restored.',
    },
  },
  spend_cap_reached: {
    params: ['spend', 'cap', 'rate'],
    'zh-CN': {
      subject: '已达每日消费上限',
      body: '今日消费${spend}，再加一分钟通话费${rate}将超过您设定的每日上限${cap}，零点前的新来电将被拒接。',
    },
    en: {
      subject: 'Daily spend cap reached',
      body: "Today's spend of ${spend} plus one minute of calls (${rate}) would pass your daily cap of ${cap}; new calls are refused until midnight.",
    },
  },
  application_approved: {
    params: ['number'],
    'zh-CN': { subject: '号码申请已通过', body: '您申请的400号码${number}已审核通过，号码已开通。' },
    en: {
      subject: 'Application for ${number} approved',
      body: 'Your application for ${number} was approved; the number is active.',
    },
  },
  // No application id: ids are 40 characters and an SMS parameter takes 35, so a clipped id would be one the
  // customer cannot type. Accepting without naming it uses the approved qualification for the number.
  transfer_qualification_approved: {
    params: ['number'],
    'zh-CN': {
      subject: '号码转入资质已通过',
      body: '您转入400号码${number}的资质已审核通过，现在可以接受转让。',
    },
    en: {
      subject: 'Qualification for ${number} approved',
      body: 'Your qualification for ${number} was approved; you can now accept the transfer.',
    },
  },
  // Sent for each qualification an offer's end withdrew (still open, or approved and not used). Only the number:
  // the recipient knew it and the offer, nothing of the owner's, and which of several it was is on its trail.
  transfer_qualification_withdrawn: {
    params: ['number'],
    'zh-CN': {
      subject: '号码转入资质申请已撤回',
      body: '400号码${number}的过户邀请已结束（已接受、拒绝或撤回），您为该邀请提交的一份转入资质申请已自动撤回，无需再处理。',
    },
    en: {
      subject: 'Qualification for ${number} withdrawn',
      body: 'The transfer offer of ${number} has ended (accepted, declined or withdrawn), so a qualification you filed for it was withdrawn; nothing more is needed from you.',
    },
  },
  application_rejected: {
    params: ['number', 'reasons'],
    'zh-CN': {
      subject: '号码申请需修改',
      body: '您申请的400号码${number}未通过审核：${reasons}。请修改后重新提交。',
    },
    en: {
      subject: 'Application for ${number} needs changes',
      body: 'Your application for ${number} was not approved: ${reasons}. Fix it and resubmit.',
    },
  },
  number_status: {
    params: ['number', 'change'],
    'zh-CN': { subject: '400号码状态变更', body: '您的400号码${number}状态变更：${change}。' },
    en: { subject: '${number}: ${change}', body: 'Your 400 number ${number}: ${change}.' },
  },
  transfer_offered: {
    params: ['number'],
    'zh-CN': {
      subject: '号码过户邀请',
      body: '400号码${number}的所有者申请将号码过户给您，请登录接受或拒绝。',
    },
    en: {
      subject: 'Transfer of ${number} offered to you',
      body: 'The owner of 400 number ${number} offers to transfer it to you. To accept, apply for it (POST /v1/applications) and, once an operator approves your qualification, accept at POST /v1/numbers/${number}/transfer/decision; or decline there.',
    },
  },
  numbers_stopped: {
    params: ['numbers', 'since', 'days'],
    'zh-CN': {
      subject: '400号码已停机：余额用尽',
      body: '您的余额自${since}起已用尽，400号码${numbers}已停机。请在${days}天内充值恢复服务，逾期号码将被注销。',
    },
    en: {
      subject: 'Your 400 numbers are stopped: balance exhausted',
      body: 'Your balance has been exhausted since ${since}, so 400 numbers ${numbers} are stopped. Top up within ${days} days to restore service; after that the numbers are cancelled.',
    },
  },
  contract_renews: {
    params: ['number', 'plan', 'months', 'term_end'],
    'zh-CN': {
      subject: '400号码合同续期提醒',
      body: '400号码${number}（套餐${plan}）的合同将于${term_end}自动续期${months}个月，如不续期请在该日前申请注销。',
    },
    en: {
      subject: 'Your 400 number ${number} renews on ${term_end}',
      body: 'The contract for ${number} (plan ${plan}) renews automatically for ${months} months on ${term_end}. To end it instead, cancel before that day.',
    },
  },
  contract_ends: {
    params: ['number', 'term_end'],
    'zh-CN': {
      subject: '400号码合同到期提醒',
      body: '400号码${number}的合同将于${term_end}到期且不续期，号码当日起停止接听来电。',
    },
    en: {
      subject: "Your 400 number ${number}'s contract ends on ${term_end}",
      body: 'The contract for ${number} ends on ${term_end} and will not renew; the number stops taking calls that day.',
    },
  },
  tariff_change: {
    params: ['plan', 'effective_from', 'changes'],
    'zh-CN': { subject: '套餐资费调整通知', body: '套餐${plan}自${effective_from}起调整资费：${changes}' },
    en: { subject: 'Plan ${plan} prices change on ${effective_from}', body: '${changes}' },
  },
  statement_ready: {
    params: ['month', 'opening', 'charges', 'credits', 'closing'],
    'zh-CN': {
      subject: '${month}账单已出',
      body: '您${month}的账单：期初${opening}，消费${charges}，入账${credits}，期末${closing}。',
    },
    en: {
      subject: 'Your ${month} statement is ready',
      body: 'Statement ${month}: opening ${opening}, charges ${charges}, credits ${credits}, closing ${closing}.',
    },
  },
} as const satisfies Record<string, TemplateDefinition>;

export type TemplateId = keyof typeof TEMPLATES;
export const TEMPLATE_IDS = Object.keys(TEMPLATES) as TemplateId[];

/** The parameters a template takes, by name. */
export type TemplateParams<T extends TemplateId = TemplateId> = Readonly<
  Record<(typeof TEMPLATES)[T]['params'][number], string>
>;

/** Aliyun's limit on one variable's value in a notification template (TemplateContent variable rules). */
export const SMS_PARAM_MAX_CHARS = 35;

const fill = (text: string, params: Readonly<Record<string, string>>) =>
  text.replace(/\$\{([A-Za-z][A-Za-z0-9_]*)\}/g, (_, name: string) => params[name] ?? '');

/** The parameters a template names that are missing from `params` (empty when it renders whole). */
export function missingParams(template: TemplateId, params: Readonly<Record<string, string>>): string[] {
  return TEMPLATES[template].params.filter((name) => typeof params[name] !== 'string');
}

/** Subject and body of a template in a language (an e-mail, or the text an SMS template is registered with). */
export function renderTemplate(
  template: TemplateId,
  params: Readonly<Record<string, string>>,
  language: Language = DEFAULT_LANGUAGE,
): Text {
  const text = TEMPLATES[template][language];
  return { subject: fill(text.subject, params), body: fill(text.body, params) };
}

/**
 * The parameters as an SMS provider takes them: only the template's own, each at most 35 characters (a
 * longer value, such as a long list of numbers, is cut with an ellipsis; the e-mail carries it whole).
 */
export function smsParams(
  template: TemplateId,
  params: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of TEMPLATES[template].params) {
    const value = [...(params[name] ?? '')];
    out[name] =
      value.length <= SMS_PARAM_MAX_CHARS
        ? value.join('')
        : `${value.slice(0, SMS_PARAM_MAX_CHARS - 1).join('')}…`;
  }
  return out;
}

/** The SMS text a mainland phone receives: the provider puts the signature in 【】 before the body. */
export function renderSms(
  signName: string,
  template: TemplateId,
  params: Readonly<Record<string, string>>,
  language: Language = DEFAULT_LANGUAGE,
): string {
  return `【${signName}】${renderTemplate(template, smsParams(template, params), language).body}`;
}

/** Approved SMS template codes per language and template, as a deployment configures them. */
export type SmsTemplateCodes = Readonly<
  Partial<Record<Language, Readonly<Partial<Record<TemplateId, string>>>>>
>;

/**
 * What is wrong with a configured map of SMS template codes (empty when nothing): only our languages and
 * templates, each code as Aliyun's console issues it (SMS_<digits>).
 */
export function smsTemplateCodeProblems(value: unknown): string[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return ['not an object'];
  const problems: string[] = [];
  for (const [language, codes] of Object.entries(value)) {
    if (!(LANGUAGES as readonly string[]).includes(language)) {
      problems.push(`unknown language "${language}"`);
      continue;
    }
    for (const [template, code] of Object.entries((codes ?? {}) as Record<string, unknown>)) {
      if (!(template in TEMPLATES)) problems.push(`unknown template "${template}"`);
      else if (typeof code !== 'string' || !/^SMS_\d+$/.test(code))
        problems.push(`${language}.${template} is not an SMS_<digits> code`);
    }
  }
  return problems;
}
