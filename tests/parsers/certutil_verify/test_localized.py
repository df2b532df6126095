"""Localized certutil output: the translated lines seen in real output, with synthetic names and
values, are read as their English originals, and lines in a language no table knows are still
read by their shape (a status line, a retrieval error under it, the final line)."""

from __future__ import annotations

import pytest

from certtriage import analyze_text
from certtriage.parsers.certutil_verify.parser import parse

SECTION = "  ----------------  {title}  ----------------"
URL = "http://pki.contoso.com/cdp/Contoso%20Issuing%20CA%2007.crl"
OFFLINE_ZH = "由于吊销服务器已脱机，吊销功能无法检查吊销。"
INVALID_RESPONSE = "0x80072f78 (WinHttp: 12152 ERROR_WINHTTP_INVALID_SERVER_RESPONSE)"


def _leaf_with_cdp(status: str, error: str, section: str = "证书 CDP") -> str:
    """A leaf whose CDP retrieval failed, in the words given (the rest as certutil prints it
    whatever the language)."""
    return "\n".join([
        "CertContext[0][0]: dwInfoStatus=102 dwErrorStatus=1000040",
        "  Subject: CN=Avery Lee, OU=Staff, DC=corp, DC=contoso, DC=com",
        "  Element.dwErrorStatus = CERT_TRUST_REVOCATION_STATUS_UNKNOWN (0x40)",
        "  Element.dwErrorStatus = CERT_TRUST_IS_OFFLINE_REVOCATION (0x1000000)",
        SECTION.format(title=section), f'  {status} "CDP" 时间: 0', f"    {error}", f"    {URL}",
        "  --------------------------------", ""])


# --------------------------------------------------------------------------- retrieval reports

@pytest.mark.parametrize(("status", "error"), [
    ("失败", f"检索 URL 时出现错误: 服务器返回的信息无效或不可识别 {INVALID_RESPONSE}"),
    # status words and labels no table knows (made up for the test): read by their shape
    ("Fallito", f"Errore durante il recupero dell'URL: risposta non valida {INVALID_RESPONSE}"),
    ("Failed", "Der Server ist nicht funktionsfähig. 0x8007203a (WIN32: 8250 ERROR_DS_SERVER_DOWN)"),
    ("Échec", "Introuvable (404). 0x80190194 (-2145844844 HTTP_E_STATUS_NOT_FOUND)"),
], ids=["zh-CN", "unknown-words", "message-without-label", "http-status"])
def test_translated_retrieval_error_is_the_error_of_its_status_line(status: str,
                                                                    error: str) -> None:
    model = parse(_leaf_with_cdp(status, error))
    assert model.unparsed == ()
    (check,) = model.elements[0].url_checks
    assert check.section == "cdp" and check.status == "failed" and check.status_text == status
    assert check.url == URL
    assert check.error is not None and check.error.hresult is not None
    assert check.error.message and "0x" not in check.error.message
    result = analyze_text(_leaf_with_cdp(status, error))
    assert result.root_causes == ("cdp-unreachable",)
    (finding,) = [f for f in result.findings if f.cause == "cdp-unreachable"]
    assert finding.url == URL and finding.hresult == check.error.hresult.hex


def test_translated_win32_detail_keeps_its_number() -> None:
    (check,) = parse(_leaf_with_cdp("失败", f"检索 URL 时出现错误: x {INVALID_RESPONSE}")
                     ).elements[0].url_checks
    assert check.error is not None and check.error.win32 == 12152
    assert check.error.hresult is not None and check.error.hresult.hex == "0x80072f78"


@pytest.mark.parametrize(("line", "status", "kind"), [
    ('已验证 "基 CRL (0a6e)" 时间: 0 ' + "ab" * 20, "verified", "base_crl"),
    ('没有 URL "无" 时间: 0 (null)', "no_urls", "none"),
    ('没有 IDP 交集 "基 CRL (1f)" 时间: 1', "no_idp_intersection", "base_crl"),
    ('已验证 "证书 (0)" 时间: 0', "verified", "certificate"),
])
def test_translated_status_lines(line: str, status: str, kind: str) -> None:
    model = parse("\n".join([SECTION.format(title="证书 CDP"), f"  {line}", ""]))
    (check,) = model.elements[0].url_checks
    assert (check.status, check.object_kind) == (status, kind)


# --------------------------------------------------------------------------- verdict lines

ZH_TAIL = [
    "------------------------------------",
    "跳过了吊销检查 -- 服务器脱机",
    "证书是一个最终实体证书",
    f"错误: 验证分支证书吊销状态返回了 {OFFLINE_ZH} 0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)",
    f"CertUtil: {OFFLINE_ZH}",
    "CertUtil: -verify 命令成功完成。",
]


def test_zh_cn_verdict_lines() -> None:
    model = parse("\n".join(ZH_TAIL) + "\n")
    t = model.trailer
    assert model.unparsed == ()
    assert t.skipped_offline and t.cert_kind == "end_entity" and t.completed == "success"
    assert t.leaf_revocation_error is not None
    assert t.leaf_revocation_error.hex == "0x80092013"
    assert t.leaf_revocation_error.message == OFFLINE_ZH
    assert t.messages == (OFFLINE_ZH,)
    result = analyze_text("\n".join(ZH_TAIL) + "\n")
    assert result.verdict == "fail" and result.root_causes == ("revocation-offline",)
    assert result.failing_element == 0


def test_leaf_check_in_an_unknown_language_is_read_by_its_shape() -> None:
    # Invented words (no real translation is claimed): the label, the code and the final line's
    # shape are what is read.
    text = ("------------------------------------\n"
            "XERR: leaf revocation check said: server offline "
            "0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)\n"
            "CertUtil: -verify done.\n")
    model = parse(text)
    assert model.trailer.leaf_revocation_error is not None and model.errors == ()
    assert analyze_text(text).root_causes == ("revocation-offline",)


def test_missing_issuer_in_words_no_table_knows_is_read_by_its_place() -> None:
    # After the chain hashes, a label certutil translates with a name for its value is the
    # missing issuer (the words are made up; the element fields stay English).
    text = ("Exclude leaf cert:\n  Chain: " + "ab" * 20 + "\nFull chain:\n  Chain: " + "cd" * 20
            + "\nXMISSING: CN=Contoso Issuing CA 07, DC=corp, DC=contoso, DC=com\n"
            "  Issuer: CN=Contoso Issuing CA 07, DC=corp, DC=contoso, DC=com\n"
            "  Subject: CN=Avery Lee\n")
    model = parse(text)
    assert model.unparsed == ()
    assert model.trailer.missing_issuer == ("CN=Contoso Issuing CA 07, DC=corp, DC=contoso, DC=com",)
    assert model.echo is not None and model.echo.subject == "CN=Avery Lee"


def test_cannot_find_in_words_no_table_knows_is_read_by_its_place() -> None:
    # In the verdict section, a bare label followed by a name lists the certificate not found.
    text = ("------------------------------------\nXNOTFOUND:\n"
            "    CN=Contoso Issuing CA 07, DC=corp, DC=contoso, DC=com\n")
    model = parse(text)
    assert model.unparsed == ()
    assert model.trailer.cannot_find == ("CN=Contoso Issuing CA 07, DC=corp, DC=contoso, DC=com",)


def test_zh_cn_pass_tail() -> None:
    text = "\n".join(["------------------------------------", "已验证的颁发策略:", "    2.5.29.32.0",
                      "已验证的应用程序策略:", "    1.3.6.1.5.5.7.3.2 客户端身份验证",
                      "证书是一个最终实体证书", "通过了分支证书吊销检查",
                      "CertUtil: -verify 命令成功完成。"]) + "\n"
    model = parse(text)
    assert model.unparsed == () and model.trailer.leaf_revocation_passed
    assert [p.oid for p in model.trailer.verified_application or ()] == ["1.3.6.1.5.5.7.3.2"]
    assert analyze_text(text).verdict == "pass"


# --------------------------------------------------------------------------- final lines

@pytest.mark.parametrize(("line", "verb", "outcome"), [
    ("CertUtil: -verify 命令成功完成。", "verify", "success"),
    ("CertUtil: -URLCache 命令成功完成。", "URLCache", "success"),
    ("CertUtil: -addstore コマンドは正常に完了しました。", "addstore", "success"),
    ("CertUtil: -dump La commande s'est terminée correctement.", "dump", "success"),
    ("CertUtil: -hashfile : comando concluido com exito.", "hashfile", "success"),
    ("CertUtil: -verify comando FALHOU: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)", "verify",
     "failed"),
    ("CertUtil: -verify command FAILED: 0x800b0109 (-2146762487 CERT_E_UNTRUSTEDROOT)",
     "verify", "failed"),
], ids=["zh-verify", "zh-urlcache", "ja", "fr", "pt", "pt-failed", "en-failed"])
def test_final_lines_in_every_language(line: str, verb: str, outcome: str) -> None:
    t = parse(line + "\n").trailer
    assert (t.verb, t.completed) == (verb, outcome)
    assert (t.failed_hresult is not None) == (outcome == "failed")


# --------------------------------------------------------------------------- -scinfo

DE_SCINFO = """\
Die Microsoft Smartcard-Ressourcenverwaltung wird ausgeführt.
Aktueller Leser-/Kartenstatus:
Leser: 1
  0: Litware Kartenleser 0
--- Leser: Litware Kartenleser 0
--- Status: SCARD_STATE_PRESENT | SCARD_STATE_UNPOWERED
--- Status: Die Smartcard kann verwendet werden.
---  Karte: Identity Device (Microsoft Generic Profile)

=======================================================
Karte im Leser wird analysiert: Litware Kartenleser 0

--------------===========================--------------
================ Zertifikat 0 ================
--- Leser: Litware Kartenleser 0
---  Karte: Identity Device (Microsoft Generic Profile)
Zertifikatkettenverifizierung wird durchgeführt...
CertGetCertificateChain(dwErrorStatus) = 0x10000
Die Kette auf der Smartcard ist ungültig
"""

KO_SCINFO = """\
Microsoft 스마트 카드 리소스 관리자가 실행 중입니다.
현재 판독기/카드 상태:
판독기: 1
  0: Tailspin Reader 0
--- 판독기: Tailspin Reader 0
--- 상태: SCARD_STATE_PRESENT | SCARD_STATE_INUSE
--- 상태: 다른 프로세스가 카드를 공유하고 있습니다.
---   카드: Tailspin Token
=======================================================
판독기에서 카드 분석 중: Tailspin Reader 0
--------------===========================--------------
================ 인증서 0 ================
--- 판독기: Tailspin Reader 0
---   카드: Tailspin Token
Provider = Microsoft Smart Card Key Storage Provider
키 컨테이너 = (null) [기본 컨테이너]
일련 번호: 0a1b2c3d
발급자: CN=Tailspin Issuing CA
 NotBefore: 2025-01-02 09:00
 NotAfter: 2027-01-02 09:00
주체: CN=Kim Minji
루트가 아닌 인증서
인증서 해시(sha1): {thumb}
AT_SIGNATURE 공개 키 일치 검사를 수행 중...
공개 키 일치 확인 테스트 성공
개인 키 확인
인증서 체인 검증 수행 중...
""".replace("{thumb}", "c4" * 20)


def test_de_de_scinfo_lines() -> None:
    model = parse(DE_SCINFO)
    assert model.unparsed == () and model.variant == "scinfo"
    (reader,) = model.readers
    assert reader.name == "Litware Kartenleser 0"
    assert reader.status_text == "Die Smartcard kann verwendet werden."
    assert reader.card == "Identity Device (Microsoft Generic Profile)"
    (card,) = model.cards
    assert card.reader == "Litware Kartenleser 0"
    assert model.trailer.scinfo_chain == "invalid" and model.trailer.scinfo_chain_status == 0x10000
    assert analyze_text(DE_SCINFO).root_causes == ("partial-chain",)


def test_ko_kr_scinfo_lines() -> None:
    model = parse(KO_SCINFO)
    assert model.unparsed == () and model.variant == "scinfo"
    (reader,) = model.readers
    assert reader.states == ("SCARD_STATE_PRESENT", "SCARD_STATE_INUSE")
    assert reader.status_text == "다른 프로세스가 카드를 공유하고 있습니다."
    (card,) = model.cards
    assert (card.serial, card.issuer, card.subject) == (
        "0a1b2c3d", "CN=Tailspin Issuing CA", "CN=Kim Minji")
    assert card.thumbprint == "c4" * 20 and card.root is False
    assert card.key_container == "(null) [기본 컨테이너]" and card.key_spec == "AT_SIGNATURE"
    assert card.public_key_match and card.private_key_verifies


ZH_SCINFO = """\
Microsoft 智能卡资源管理器正在运行。
当前读卡器/卡状态:
读卡机: 1
  0: Tailspin Reader 0
--- 读卡器: Tailspin Reader 0
--- 状态: SCARD_STATE_PRESENT | SCARD_STATE_UNPOWERED
--- 状态: 此卡可用。
---   卡: Identity Device (NIST SP 800-73 [PIV])
=======================================================
正在分析读卡器中的卡: Tailspin Reader 0
--------------===========================--------------
================ 证书 0 ================
--- 读卡器: Tailspin Reader 0
---   卡: Identity Device (NIST SP 800-73 [PIV])
提供程序 = Microsoft Base Smart Card Crypto Provider
密钥容器 = 1f2e3d4c-0000-4b5a-9c8d-7e6f5a4b3c2d [默认容器]
读卡器没有 AT_SIGNATURE 密钥: Tailspin Reader 0
序列号: 0a1b2c3d
颁发者: CN=Wang Fang
 NotBefore: 2026/1/2 9:00
 NotAfter: 2027/1/2 9:00
使用者: CN=Wang Fang
签名与公钥匹配
根证书: 使用者与颁发者匹配
证书哈希(sha1): {thumb}
正在执行 AT_KEYEXCHANGE 公钥匹配测试...
公钥匹配测试成功
""".replace("{thumb}", "d5" * 20)


def test_zh_cn_scinfo_lines() -> None:
    """A zh-CN -scinfo of a self-signed card certificate, cut after its key test (as posted)."""
    model = parse(ZH_SCINFO)
    assert model.unparsed == () and model.variant == "scinfo"
    (reader,) = model.readers
    assert reader.states == ("SCARD_STATE_PRESENT", "SCARD_STATE_UNPOWERED")
    assert reader.card == "Identity Device (NIST SP 800-73 [PIV])"
    (card,) = model.cards
    assert (card.serial, card.issuer, card.subject) == ("0a1b2c3d", "CN=Wang Fang", "CN=Wang Fang")
    assert card.thumbprint == "d5" * 20 and card.root is True
    assert card.key_spec == "AT_KEYEXCHANGE" and card.public_key_match


# --------------------------------------------------------------------------- fragments

#: A section's first words in the languages seen, and in words no table knows.
_SECTION_WORDS = ["Certificate", "证书", "基 CRL", "Zertifikat", "Certificat", "Сертификат"]


@pytest.mark.parametrize("section", ["AIA", "CDP", "OCSP"])
@pytest.mark.parametrize("words", _SECTION_WORDS)
def test_a_fragment_cut_to_one_translated_section_is_certutil_output(words: str,
                                                                     section: str) -> None:
    """A paste that holds only one retrieval section (its banner, status line, error and URL)
    is read by the banner's shape, whatever its first words: as the English fragment is."""
    lines = [SECTION.format(title=f"{words} {section}"), f'  失败 "{section}" 时间: 0',
             f"    检索 URL 时出现错误: 服务器返回的信息无效或不可识别 {INVALID_RESPONSE}",
             f"    {URL}", ""]
    english = [SECTION.format(title=f"Certificate {section}"), f'  Failed "{section}" Time: 0',
               f"    Error retrieving URL: {INVALID_RESPONSE}", f"    {URL}", ""]

    result, reference = analyze_text("\n".join(lines)), analyze_text("\n".join(english))

    assert result.kind == "certutil-verify"
    assert (result.verdict, result.root_causes) == (reference.verdict, reference.root_causes)
    assert reference.kind == "certutil-verify" and reference.root_causes


@pytest.mark.parametrize("line", ["------------------------------------------", "-- CDP --",
                                  "The CDP ---------- and the AIA ----------",
                                  "----------  ----------"])
def test_dashes_without_a_section_name_between_them_are_no_banner(line: str) -> None:
    from certtriage.parsers.certutil_verify import sniff

    assert not sniff(line + "\n")
