import { lua } from './generated/lua.js';
import { asBoolean, asInteger } from './replies.js';
import { defineScript } from './script.js';

export const ledgerRecord = defineScript({ ...lua.ledgerRecord, reply: asInteger });
export const ledgerUnlock = defineScript({ ...lua.ledgerUnlock, reply: asBoolean });
export const ledgerExtend = defineScript({ ...lua.ledgerExtend, reply: asBoolean });

export const coreScripts = [ledgerRecord, ledgerUnlock, ledgerExtend] as const;
