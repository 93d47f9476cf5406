/**
 * 发放方式: the channels through which aid reaches a beneficiary in 实施, one per beneficiary,
 * given at 排摸. The one list of them: intake checks against it, and payment batches (a bank file
 * or a signature sheet) are to be made from it.
 */
import { toHalfWidth } from './half-width.js';

export const PAYMENT_METHODS = ['银行转账', '社保卡', '现金', '实物（礼包）', '粮油卡'] as const;

export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** The channels paid through a bank file (银行代发): 银行转账 into an account, 社保卡 by ID number and name. */
export const BANK_CHANNELS = ['银行转账', '社保卡'] as const satisfies readonly PaymentMethod[];
export type BankChannel = (typeof BANK_CHANNELS)[number];

/** Full-width and half-width brackets alike, and no spaces of either width. */
const canonical = (text: string) => toHalfWidth(text).replace(/\s+/g, '');

const BY_CANONICAL = new Map<string, PaymentMethod>(PAYMENT_METHODS.map((m) => [canonical(m), m]));

/**
 * The payment method a cell names, or undefined. Only spacing and character width may differ
 * ("社保 卡", "实物(礼包)"); nothing else is guessed.
 */
export const paymentMethodOf = (text: string): PaymentMethod | undefined => BY_CANONICAL.get(canonical(text));

/** The channels handed over in person, against a signature on a signature sheet (签收表). */
export const SIGNED_FOR_METHODS: readonly PaymentMethod[] = ['现金', '实物（礼包）', '粮油卡'];
