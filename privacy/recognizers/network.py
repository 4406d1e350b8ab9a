"""Network identifiers: e-mail addresses (public-suffix checked, offline) and IPv4/IPv6 addresses.

Loopback, unspecified, multicast and IPv4 "reserved" (240/4: broadcast, netmasks) addresses are not
reported: they name no device or person. Private and link-local addresses are reported, because
inside an organisation's logs they identify a machine and so, often, its user.
"""

from __future__ import annotations

import ipaddress
from typing import ClassVar

from gdprep.offline import offline_tld_extractor
from gdprep.privacy.recognizers.base import GdprepPatternRecognizer


class EmailRecognizer(GdprepPatternRecognizer):
    """E-mail address whose domain ends in a real public suffix (tldextract's bundled snapshot, never
    fetched), so "root@localhost", "user@host.local" and "icon@2x.png" are not addresses."""

    ENTITY = "EMAIL_ADDRESS"
    GATE = "@"
    _LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [(
        "email",
        rf"(?<![\w.%+@-])[\w%+-]+(?:\.[\w%+-]+)*@(?:{_LABEL}\.)+(?:[^\W\d_]{{2,63}}|xn--[a-z0-9-]{{1,59}})"
        r"(?![\w@-])",
        0.5,
    )]
    CONTEXT: ClassVar[list[str]] = ["email", "e-mail", "mail", "contact", "courriel", "correo"]

    def validate(self, value: str) -> bool | None:
        parts = offline_tld_extractor()(value.rpartition("@")[2])
        return bool(parts.suffix and parts.domain)


def _is_personal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback or address.is_unspecified or address.is_multicast:
        return False
    return not (isinstance(address, ipaddress.IPv4Address) and address.is_reserved)


# Numbered things that look like dotted quads: "version 2.13.0.1", "v1.2.3.4", "section 3.1.2.4".
_DOTTED_CUE = (r"(?:\b(?:v|ver|version|versie|release|rel|build|firmware|fw|section|sec|chapter|clause|"
               r"para(?:graph)?|art(?:icle)?|abschnitt|kapitel)|§)\.?[ \t]*[:#=]?[ \t]*")
_H = r"[0-9a-f]{1,4}"
_IPV4 = r"(?:\d{1,3}\.){3}\d{1,3}"


class IpAddressRecognizer(GdprepPatternRecognizer):
    """IPv4 and IPv6 (full, '::'-compressed, IPv4-mapped), parsed by the stdlib `ipaddress`.

    The regexes only find candidates; `ipaddress` decides, so "999.1.1.1", times ("12:30:45") and MAC
    addresses fail. A parse is no checksum, so a valid address keeps its pattern score.
    """

    ENTITY = "IP_ADDRESS"
    # IPv4 has a digit, a dot and a digit; IPv6 two colons at most four hex digits apart
    GATE = r"(?i)\d\.\d|:[0-9a-f]{0,4}:"
    PATTERNS: ClassVar[list[tuple[str, str, float]]] = [
        # not inside a longer dotted number, nor the IPv4 tail of an IPv6 address ("::ffff:1.2.3.4")
        ("ipv4", rf"(?<![\w.]|:(?:{_H})?:|{_DOTTED_CUE}){_IPV4}(?!\w|\.\d)", 0.7),
        # two colons at least; a trailing single colon ("fe80::1: down") is punctuation
        ("ipv6",
         rf"(?<![\w:.])(?=[0-9a-f]{{0,4}}:[0-9a-f]{{0,4}}:)"
         rf"(?:{_H})?(?:::?{_H})*(?:::)?(?::{_IPV4}|(?<=::){_IPV4})?(?![\w]|:[\w:]|\.\d)", 0.8),
    ]
    CONTEXT: ClassVar[list[str]] = ["ip", "ipv4", "ipv6", "address", "host", "server", "client"]

    def validate(self, value: str) -> bool | None:
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            return False
        return None if _is_personal(address) else False


NETWORK_RECOGNIZERS: tuple[type[GdprepPatternRecognizer], ...] = (EmailRecognizer, IpAddressRecognizer)
