/**
 * Optional e-mail (SMTP_URL): invitation links are mailed when a mail server is configured. The
 * app never depends on it: the beheerder always gets the link to pass on, and a failed mail is
 * reported, not fatal.
 */
import nodemailer, { type Transporter } from 'nodemailer'

export interface InvitationMail {
  readonly to: string
  readonly link: string
  readonly statuteTitle: string
  readonly organisation: string
  readonly inviterName: string
  readonly roleLabel: string
  readonly partyName: string
  readonly expiresAt: string
}

export interface Mailer {
  readonly enabled: boolean
  sendInvitation(mail: InvitationMail): Promise<void>
}

const ROLE_LABELS: Record<string, string> = { beheerder: 'beheerder', redacteur: 'redacteur', commentator: 'commentator', lezer: 'lezer' }

export function invitationText(mail: InvitationMail): string {
  const until = new Date(mail.expiresAt).toLocaleString('nl-NL', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' })
  return [
    'Beste collega,',
    '',
    `${mail.inviterName} nodigt u uit om mee te werken aan ‘${mail.statuteTitle}’${mail.organisation ? ` (${mail.organisation})` : ''} in Samenspel,`,
    `als ${ROLE_LABELS[mail.roleLabel] ?? mail.roleLabel} namens ${mail.partyName}.`,
    '',
    'Open deze link om uw account te maken of de uitnodiging aan te nemen:',
    mail.link,
    '',
    `De link werkt één keer en is geldig tot ${until}.`,
    '',
    'Heeft u deze uitnodiging niet verwacht? Dan kunt u deze e-mail negeren.',
  ].join('\n')
}

export function createMailer(smtpUrl: string | undefined, from: string): Mailer {
  if (!smtpUrl) return { enabled: false, sendInvitation: async () => undefined }
  const transport: Transporter = nodemailer.createTransport(smtpUrl)
  return {
    enabled: true,
    sendInvitation: async (mail) => {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: `Uitnodiging: ${mail.statuteTitle}`,
        text: invitationText(mail),
        headers: { 'Content-Language': 'nl' },
      })
    },
  }
}
