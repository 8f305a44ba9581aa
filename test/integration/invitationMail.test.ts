/**
 * Optional SMTP: with SMTP_URL set, an invitation link is mailed through a real SMTP server (an
 * in-process smtp-server on a random port); without it, or when the mail server refuses, the
 * invitation still stands and the beheerder gets the link.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { SMTPServer } from 'smtp-server'
import type { AddressInfo } from 'node:net'
import { api, createStatute, startTestServer, type TestServer } from '../helpers/server.js'

interface Received {
  from: string
  to: string[]
  data: string
}

async function startSmtp(reject = false): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = []
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let data = ''
      stream.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')))
      stream.on('end', () => {
        if (reject) return callback(new Error('mailbox unavailable'))
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  const port = (smtp.server.address() as AddressInfo).port
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => smtp.close(() => resolve())) }
}

describe('invitation mail', () => {
  let server: TestServer | undefined
  let smtp: Awaited<ReturnType<typeof startSmtp>> | undefined
  afterEach(async () => {
    await server?.close()
    await smtp?.close()
    server = undefined
    smtp = undefined
  })

  async function invite(s: TestServer, email: string) {
    const id = await createStatute(s, 'Statuut met mail', 'Gemeente Geertruidenberg')
    const parties = await api<{ parties: Array<{ id: string; name: string }> }>(s, 'GET', `/api/statutes/${id}/parties`)
    const raad = parties.body.parties.find((p) => p.name === 'Raad')!
    return api<{ link: string; mailed: boolean; mailError?: string }>(s, 'POST', `/api/statutes/${id}/invitations`, { email, role: 'commentator', partyId: raad.id, canAgree: false })
  }

  it('mails the one-time link when SMTP_URL is configured', async () => {
    smtp = await startSmtp()
    server = await startTestServer({ smtpUrl: smtp.url, mailFrom: 'Griffie <griffie@geertruidenberg.example>' })
    const response = await invite(server, 'raadslid@geertruidenberg.example')
    expect(response.status).toBe(201)
    expect(response.body.mailed).toBe(true)
    expect(smtp.received).toHaveLength(1)
    const mail = smtp.received[0]!
    expect(mail.to).toEqual(['raadslid@geertruidenberg.example'])
    expect(mail.from).toBe('griffie@geertruidenberg.example')
    // Long lines may be folded (quoted-printable); unfold before looking for the link.
    const body = mail.data.replace(/=\r?\n/g, '')
    expect(body).toContain(response.body.link.split('/uitnodiging/')[1]!.slice(0, 20))
    expect(mail.data).toMatch(/Subject: Uitnodiging: Statuut met mail/)
  })

  it('without SMTP the invitation is not mailed and the link is returned', async () => {
    server = await startTestServer()
    const response = await invite(server, 'zonder.mail@example.nl')
    expect(response.status).toBe(201)
    expect(response.body.mailed).toBe(false)
    expect(response.body.link).toContain('/uitnodiging/')
  })

  it('a refusing mail server does not fail the invitation', async () => {
    smtp = await startSmtp(true)
    server = await startTestServer({ smtpUrl: smtp.url })
    const response = await invite(server, 'geweigerd@example.nl')
    expect(response.status).toBe(201)
    expect(response.body.mailed).toBe(false)
    expect(response.body.mailError).toMatch(/niet worden verstuurd/)
    const preview = await api(server, 'GET', `/api/invitations/${response.body.link.split('/uitnodiging/')[1]}`, undefined, { token: null })
    expect(preview.status).toBe(200)
  })
})
