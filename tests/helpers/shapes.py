"""Inputs of every kind grown to any size: the same unit (a chain element, an event, a binding,
a location, a log line, a certificate) repeated `n` times between the head and the tail of its
format, each unit numbered so no two are the same.

The scaling tests count the work done on 1x, 10x and 100x of a shape; the memory tests read
the largest shape a limit allows in a subprocess. Every unit is synthetic (contoso, fabrikam).
"""

from __future__ import annotations

from collections.abc import Callable

Shape = Callable[[int], str]


def certutil_chain(n: int) -> str:
    """certutil -verify: a chain of `n` elements, each with a failed CDP retrieval."""
    blocks = [
        f"CertContext[0][{i}]: dwInfoStatus=102 dwErrorStatus=1000040\n"
        f"  Issuer: CN=Contoso CA {i + 1}\n  Subject: CN=Contoso CA {i}\n"
        "  ----------------  Certificate CDP  ----------------\n"
        '  Failed "CDP" Time: 0\n'
        "    Error retrieving URL: The server name or address could not be resolved "
        "0x80072ee7 (WIN32: 12007 ERROR_WINHTTP_NAME_NOT_RESOLVED)\n"
        f"    http://crl{i}.contoso.com/ca{i}.crl\n"
        for i in range(n)]
    return ("ChainContext.dwErrorStatus = CERT_TRUST_IS_OFFLINE_REVOCATION (0x1000000)\n"
            + "".join(blocks))


def certutil_lines(n: int) -> str:
    """certutil-shaped text: one element followed by `n` short lines."""
    return ("CertContext[0][0]: dwInfoStatus=102 dwErrorStatus=0\n"
            + "".join(f"  Issuer: CN=A{i % 10}\n" for i in range(n)))


def event_xml(n: int) -> str:
    """An `<Events>` export of `n` Schannel 36888 events."""
    events = "".join(
        '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>'
        '<Provider Name="Schannel" Guid="{1F678132-5938-4686-9FDC-C8FF68F15C85}" />'
        f"<EventID>36888</EventID><Level>2</Level>"
        f'<TimeCreated SystemTime="2022-11-15T13:{i // 60 % 60:02d}:{i % 60:02d}.0Z" />'
        f"<EventRecordID>{i}</EventRecordID><Channel>System</Channel>"
        "<Computer>WEB05.contoso.com</Computer></System><EventData>"
        '<Data Name="AlertDesc">46</Data><Data Name="ErrorState">'
        f"{i}</Data></EventData></Event>\n" for i in range(n))
    return f'<?xml version="1.0" encoding="utf-8"?>\n<Events>\n{events}</Events>\n'


def wevtutil_text(n: int) -> str:
    """wevtutil's text export of `n` Schannel 36887 records."""
    return "".join(
        f"Event[{i}]:\n  Log Name: System\n  Source: Schannel\n"
        f"  Date: 2016-01-19T14:{i // 60 % 60:02d}:{i % 60:02d}.417\n  Event ID: 36887\n"
        "  Task: N/A\n  Level: Error\n  Computer: IIS02.contoso.com\n  Description:\n"
        "A fatal alert was received from the remote endpoint. The TLS protocol defined fatal "
        "alert code is 46.\n\n" for i in range(n))


def event_csv(n: int) -> str:
    """Event Viewer's CSV "Save as" of `n` Schannel 36887 rows."""
    return "Level,Date and Time,Source,Event ID,Task Category\n" + "".join(
        f'Error,1/23/2024 07:{i // 60 % 60:02d}:{i % 60:02d} AM,Schannel,36887,None,'
        '"A fatal alert was received from the remote endpoint. The TLS protocol defined '
        'fatal alert code is 46."\n' for i in range(n))


def iis_locations(n: int) -> str:
    """applicationHost.config with one HTTPS site and `n` locations that ask for a client
    certificate."""
    locations = "".join(
        f'<location path="Contoso/app{i}"><system.webServer><security><access '
        'sslFlags="Ssl, SslNegotiateCert" /></security></system.webServer></location>\n'
        for i in range(n))
    return ('<?xml version="1.0"?>\n<configuration><system.applicationHost><sites>'
            '<site name="Contoso" id="1"><bindings><binding protocol="https" '
            'bindingInformation="*:443:" /></bindings></site></sites>'
            f"</system.applicationHost>\n{locations}</configuration>\n")


def metabase_keys(n: int) -> str:
    """An IIS 6 metabase with one site and `n` virtual directories."""
    keys = "".join(
        f'<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT/app{i}"\n\t\tAccessSSLFlags="264"\n'
        "\t>\n</IIsWebVirtualDir>\n" for i in range(n))
    return ('<?xml version ="1.0"?>\n<configuration xmlns="urn:microsoft-catalog:'
            'XML_Metabase_V64_0">\n<MBProperty>\n<IIsWebServer\tLocation ="/LM/W3SVC/1"\n'
            '\t\tSecureBindings=":443:portal.contoso.com"\n\t>\n</IIsWebServer>\n'
            f"{keys}</MBProperty>\n</configuration>\n")


def w3c_log(n: int) -> str:
    """An IIS W3C log of `n` requests refused with 403.16."""
    return ("#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n"
            "#Date: 2024-01-15 10:15:00\n#Fields: date time s-ip cs-method cs-uri-stem "
            "cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status "
            "sc-substatus sc-win32-status time-taken\n" + "".join(
                f"2024-01-15 10:{i // 60 % 60:02d}:{i % 60:02d} 192.0.2.20 GET /secure/ - 443 - "
                f"198.51.100.{i % 250} Mozilla/5.0 - 403 16 2148204810 12\n" for i in range(n)))


def netsh_bindings(n: int) -> str:
    """netsh http show sslcert with `n` bindings that do not negotiate a client certificate."""
    return "SSL Certificate bindings:\n-------------------------\n\n" + "".join(
        f"    IP:port                      : 10.0.{i // 250}.{i % 250}:443\n"
        "    Certificate Hash             : 565366703634b4a9338f63bae8c73630cf7d0c88\n"
        "    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}\n"
        "    Certificate Store Name       : My\n"
        "    Verify Client Certificate Revocation : Enabled\n"
        "    Negotiate Client Certificate : Disabled\n\n" for i in range(n))


def registry_keys(n: int) -> str:
    """A .reg export with `n` Schannel protocol keys."""
    return "Windows Registry Editor Version 5.00\n\n" + "".join(
        "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL"
        f"\\Protocols\\TLS 1.{i}\\Server]\n\"Enabled\"=dword:00000000\n"
        '"DisabledByDefault"=dword:00000001\n\n' for i in range(n))


def store_certificates(n: int) -> str:
    """certutil -store with `n` client certificates."""
    return 'My "Personal"\n' + "".join(
        f"================ Certificate {i} ================\n"
        f"Serial Number: 6a{i:034x}\n"
        "Issuer: CN=Contoso Issuing CA 02, DC=corp, DC=contoso, DC=com\n"
        " NotBefore: 3/14/2025 9:12 AM\n NotAfter: 3/14/2046 9:22 AM\n"
        f"Subject: CN=User {i}, OU=Finance, O=Contoso, C=US\nNon-root Certificate\n"
        f"Cert Hash(sha1): {i:040x}\nNo key provider information\n\n" for i in range(n)
    ) + "CertUtil: -store command completed successfully.\n"


def prose(n: int) -> str:
    """A ticket: `n` paragraphs of prose, each quoting an Schannel warning with its code."""
    return "Subject: RE: client certificate login broken on WEB01\n\n" + "".join(
        f"On WEB{i:02d} the System log shows (source Schannel, event 36877):\n\n"
        "> The certificate received from the remote client application has not validated "
        "correctly. The error code is 0x80092013. The attached data contains the client "
        "certificate.\n\n" for i in range(n))


def freb_trace(n: int) -> str:
    """An IIS failed request trace of `n` module events, the last setting 403.16."""
    event = ('<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>'
             '<Provider Name="WWW Server"/><TimeCreated SystemTime="2026-11-30T08:14:22.{i:03d}Z"/>'
             '<Computer>WEB01</Computer></System><EventData><Data Name="ModuleName">Module{i}'
             '</Data><Data Name="Notification">2</Data></EventData><RenderingInfo Culture="en-US">'
             '<Opcode>NOTIFY_MODULE_START</Opcode></RenderingInfo></Event>\n')
    error = ('<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>'
             '<Provider Name="WWW Server"/></System><EventData><Data Name="ModuleName">IIS Web '
             'Core</Data><Data Name="HttpStatus">403</Data><Data Name="HttpSubStatus">16</Data>'
             '<Data Name="ErrorCode">2148204809</Data></EventData><RenderingInfo><Opcode>'
             'MODULE_SET_RESPONSE_ERROR_STATUS</Opcode></RenderingInfo></Event>\n')
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<failedRequest url="https://portal.contoso'
            '.com:443/" verb="GET" statusCode="403.16" failureReason="STATUS_CODE">\n'
            + "".join(event.format(i=i % 1000) for i in range(n)) + error + "</failedRequest>\n")


#: Every text kind, by the format id it must be read as (and the shape after a slash).
TEXT_SHAPES: dict[str, Shape] = {
    "certutil-verify": certutil_chain,
    "event-log": event_xml,
    "event-log/wevtutil": wevtutil_text,
    "event-log/csv": event_csv,
    "iis-config": iis_locations,
    "iis-config/metabase": metabase_keys,
    "iis-w3c-log": w3c_log,
    "iis-freb": freb_trace,
    "netsh-sslcert": netsh_bindings,
    "schannel-registry": registry_keys,
    "certutil-store": store_certificates,
    "event-log/prose": prose,
}
