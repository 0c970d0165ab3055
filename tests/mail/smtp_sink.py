#!/usr/bin/python3
"""smtp_sink.py - an SMTP server for tests: every message it receives is written to a directory.

Usage: /usr/bin/python3 tests/mail/smtp_sink.py DIR

Listens on 127.0.0.1 on a free port (aiosmtpd, no TLS, no AUTH), prints
"PORT <n>" on standard output once it accepts connections, and writes the
k-th message it receives (k = 1, 2, ...) as DIR/<k>.eml, exactly as sent
after the DATA command, with its envelope in DIR/<k>.env ("MAIL FROM <a>"
and one "RCPT TO <a>" line per recipient).  The .eml file appears
atomically (written under another name, then renamed), after the .env file.

Runs until SIGTERM or SIGINT, or until the process that started it is gone
(so a crashed test leaves no server behind).
"""
import asyncio
import os
import signal
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        k = self.count
        data = envelope.original_content
        if data is None:
            data = envelope.content
        if isinstance(data, str):
            data = data.encode('utf-8', 'surrogateescape')
        with open(os.path.join(self.directory, '%d.env' % k), 'w', encoding='utf-8') as f:
            f.write('MAIL FROM %s\n' % envelope.mail_from)
            for rcpt in envelope.rcpt_tos:
                f.write('RCPT TO %s\n' % rcpt)
        tmp = os.path.join(self.directory, '.%d.tmp' % k)
        with open(tmp, 'wb') as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.directory, '%d.eml' % k))
        return '250 OK message %d stored' % k


async def main(directory):
    loop = asyncio.get_running_loop()
    sink = Sink(directory)
    server = await loop.create_server(
        lambda: SMTP(sink, hostname='sink.test', enable_SMTPUTF8=True, decode_data=False),
        '127.0.0.1', 0)
    port = server.sockets[0].getsockname()[1]
    print('PORT %d' % port, flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    parent = os.getppid()
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=0.5)
        except asyncio.TimeoutError:
            if os.getppid() != parent:
                break
    server.close()
    await server.wait_closed()


if __name__ == '__main__':
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.stderr.write('usage: smtp_sink.py DIR (an existing directory)\n')
        sys.exit(2)
    asyncio.run(main(sys.argv[1]))
