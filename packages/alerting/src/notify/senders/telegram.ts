import { plainText } from '../payload';
import { DeliveryError, postJson, type Sender } from '../sender';
import { apiUrl } from './api-url';

/**
 * Telegram Bot API sendMessage, plain text (no parse_mode): nothing a monitored database
 * names can become markup, a link or a mention. Previews are off.
 */
export const sendTelegram: Sender = async (channel, payload, ctx) => {
  const token = channel.secret.botToken;
  const chatId = channel.config.chatId;
  if (typeof token !== 'string') throw new DeliveryError('channel has no bot token', false);
  if (typeof chatId !== 'string') throw new DeliveryError('channel has no chat id', false);
  const url = `${apiUrl(channel, 'https://api.telegram.org')}/bot${token}/sendMessage`;
  const body = {
    chat_id: chatId,
    text: plainText(payload).slice(0, 4096),
    link_preview_options: { is_disabled: true },
  };
  await postJson(url, JSON.stringify(body), {}, ctx);
};
