"""Tables of valid, invalid-checksum and near-miss examples for the national identifier, document and
company-number recognizers. Valid values are built here with stdnum's check digits (or, where stdnum has none,
by trying every check digit against the validator), so no expected result is written down by hand."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

import pytest
from stdnum import luhn, verhoeff
from stdnum.at import vnr as stdnum_vnr
from stdnum.be import eid as stdnum_eid
from stdnum.be import nn as stdnum_nn
from stdnum.bg import egn as stdnum_egn
from stdnum.cy import vat as stdnum_cy_vat
from stdnum.cz import rc as stdnum_rc
from stdnum.ee import ik as stdnum_ik
from stdnum.eu import vat as stdnum_eu_vat
from stdnum.fi import ytunnus as stdnum_ytunnus
from stdnum.hr import oib as stdnum_oib
from stdnum.ie import vat as stdnum_ie_vat
from stdnum.is_ import kennitala as stdnum_kennitala
from stdnum.iso7064 import mod_11_10
from stdnum.it import iva as stdnum_iva
from stdnum.lt import asmens as stdnum_asmens
from stdnum.lv import pvn as stdnum_lv
from stdnum.no import fodselsnummer as stdnum_fnr
from stdnum.pt import cc as stdnum_cc
from stdnum.pt import nif as stdnum_nif
from stdnum.ro import cnp as stdnum_cnp
from stdnum.se import orgnr as stdnum_se_orgnr
from stdnum.si import emso as stdnum_emso

from gdprep.policies import list_policies, load_policy
from gdprep.privacy.entities import ENTITY_TYPES
from gdprep.privacy.recognizers.documents import (
    DOCUMENT_RECOGNIZERS,
    BeEidRecognizer,
    DrivingLicenceRecognizer,
    IdCardRecognizer,
    NlDocumentRecognizer,
    PassportRecognizer,
    PlIdCardRecognizer,
)
from gdprep.privacy.recognizers.ids_baltic import (
    BALTIC_RECOGNIZERS,
    EeIsikukoodRecognizer,
    LtAsmensKodasRecognizer,
    LvPersonasKodsRecognizer,
)
from gdprep.privacy.recognizers.ids_central import (
    CENTRAL_RECOGNIZERS,
    AtSvnrRecognizer,
    CzSkRodneCisloRecognizer,
    DeHealthInsuranceRecognizer,
    DeSocialSecurityRecognizer,
    DeTaxNumberRecognizer,
    HrOibRecognizer,
    HuTajRecognizer,
    HuTaxIdRecognizer,
    LiPeidRecognizer,
    SiEmsoRecognizer,
)
from gdprep.privacy.recognizers.ids_nordic import (
    NORDIC_RECOGNIZERS,
    DkCprRecognizer,
    FiHetuRecognizer,
    IsKennitalaRecognizer,
    NoFodselsnummerRecognizer,
    SePersonnummerRecognizer,
)
from gdprep.privacy.recognizers.ids_south import (
    SOUTH_RECOGNIZERS,
    BgEgnRecognizer,
    CyTicRecognizer,
    GrAmkaRecognizer,
    MtIdCardRecognizer,
    PtCcRecognizer,
    PtNifRecognizer,
    RoCnpRecognizer,
)
from gdprep.privacy.recognizers.ids_west import (
    WEST_RECOGNIZERS,
    BeNationalNumberRecognizer,
    IePpsRecognizer,
    LuMatriculeRecognizer,
)
from gdprep.privacy.recognizers.national import (
    BARE,
    CERTAIN,
    FORMAT_ONLY,
    SHAPED,
    STRONG,
    NationalIdRecognizer,
    icao_check_digit,
    is_placeholder,
)
from gdprep.privacy.recognizers.organisations import (
    ORGANISATION_RECOGNIZERS,
    CuedCompanyNumberRecognizer,
    DeHandelsregisterRecognizer,
    NordicOrganisationNumberRecognizer,
    OrganisationVatRecognizer,
    PersonalVatRecognizer,
)

ALL = (NORDIC_RECOGNIZERS + BALTIC_RECOGNIZERS + CENTRAL_RECOGNIZERS + SOUTH_RECOGNIZERS + WEST_RECOGNIZERS
       + DOCUMENT_RECOGNIZERS + ORGANISATION_RECOGNIZERS)
_INSTANCES: dict[type[NationalIdRecognizer], NationalIdRecognizer] = {}


def found(cls: type[NationalIdRecognizer], text: str) -> list[str]:
    recognizer = _INSTANCES.setdefault(cls, cls())
    return [text[r.start:r.end] for r in sorted(recognizer.analyze(text, [cls.ENTITY]), key=lambda r: r.start)]


def score_of(cls: type[NationalIdRecognizer], text: str) -> float:
    (result,) = _INSTANCES.setdefault(cls, cls()).analyze(text, [cls.ENTITY])
    return result.score


def complete(prefix: str, is_valid: Callable[[str], bool], tails: Iterable[str] = "0123456789") -> str:
    """`prefix` and the first tail that `is_valid` accepts: a check digit found by trying them all."""
    return next(prefix + tail for tail in tails if is_valid(prefix + tail))


def wrong_last(value: str, is_valid: Callable[[str], bool]) -> str:
    """The same value with a last digit that fails the check."""
    return next(v for v in (value[:-1] + d for d in "0123456789") if not is_valid(v))


TWO_DIGITS = [f"{i:02d}" for i in range(100)]
NEXT_YEAR = datetime.date.today().year + 1

# -- generated values ----------------------------------------------------------------------------------------
SE_10 = "811228987" + luhn.calc_check_digit("811228987")               # 1981-12-28
SE_12 = "19" + SE_10
SE_SAMORDNING = "811288987" + luhn.calc_check_digit("811288987")       # day 28 + 60
SE_FUTURE = f"{NEXT_YEAR}0101" + "123" + luhn.calc_check_digit(f"{NEXT_YEAR % 100:02d}0101123")
FI_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
FI_HETU = "131052-308" + FI_CHECK[int("131052308") % 31]
FI_2000S = "010105A123" + FI_CHECK[int("010105123") % 31]
FI_TEMPORARY = "010594Y903" + FI_CHECK[int("010594903") % 31]
DK_CPR = "2110625629"                                                  # stdnum's example, no check digit needed
NO_BASE = "150590123"
NO_FNR = NO_BASE + stdnum_fnr.calc_check_digit1(NO_BASE)
NO_FNR += stdnum_fnr.calc_check_digit2(NO_FNR)
NO_D = "550590123"                                                     # D-nummer: day + 40
NO_D += stdnum_fnr.calc_check_digit1(NO_D)
NO_D += stdnum_fnr.calc_check_digit2(NO_D)
IS_KT = complete("12017433", lambda v: stdnum_kennitala.is_valid(v + "9")) + "9"
IS_COMPANY = complete("45040131", lambda v: stdnum_kennitala.is_valid(v + "0")) + "0"
# stdnum's calc_check_digit takes the whole number and ignores its last digit
EE_IK = "4920101123" + stdnum_ik.calc_check_digit("4920101123" + "0")
LT_AK = "3900312123" + stdnum_asmens.calc_check_digit("3900312123" + "0")
LV_OLD = "1203851234" + stdnum_lv.calc_check_digit_pers("1203851234")
LV_NEW = "3286730067" + stdnum_lv.calc_check_digit_pers("3286730067")
BE_NN = complete("900120123", stdnum_nn.is_valid, TWO_DIGITS)
CZ_RC = complete("855112123", stdnum_rc.is_valid)                     # a woman: month + 50
HU_TAJ = "12345678" + str(sum(int(d) * (3, 7)[i % 2] for i, d in enumerate("12345678")) % 10)


def _hu_tax_id(days: int, serial: str) -> str:
    body = f"8{days:05d}{serial}"
    return body + str(sum(int(d) * (i + 1) for i, d in enumerate(body)) % 11)


HU_TAX = next(v for v in (_hu_tax_id(40_000, f"{s:03d}") for s in range(100)) if not v.endswith("10"))
SI_EMSO = "150398550123" + stdnum_emso.calc_check_digit("150398550123")
HR_OIB = "1234567891" + mod_11_10.calc_check_digit("1234567891")
RO_CNP = "185031540123" + stdnum_cnp.calc_check_digit("185031540123")
BG_EGN = "860315123" + stdnum_egn.calc_check_digit("860315123")
GR_AMKA = "1503850123" + luhn.calc_check_digit("1503850123")
PT_NIF = "23456789" + stdnum_nif.calc_check_digit("23456789")
PT_COMPANY = "50196484" + stdnum_nif.calc_check_digit("50196484")
PT_CC = complete("123456789ZZ", stdnum_cc.is_valid)
IE_PPS = "1234567" + stdnum_ie_vat.calc_check_digit("1234567")
IE_PPS_2013 = "7654321" + stdnum_ie_vat.calc_check_digit("7654321" + "A") + "A"
LU_FIRST = "19830213012"
LU_MATRICULE = LU_FIRST + luhn.calc_check_digit(LU_FIRST) + verhoeff.calc_check_digit(LU_FIRST)
CY_TIC = "01234567" + stdnum_cy_vat.calc_check_digit("01234567")
AT_SVNR = "123" + stdnum_vnr.calc_check_digit("1230150385") + "150385"


def _rvnr(area_date: str, letter: str, serial: str) -> str:
    digits = area_date + f"{ord(letter) - 64:02d}" + serial
    weights = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
    total = sum(sum(divmod(int(d) * w, 10)) for d, w in zip(digits, weights, strict=True))
    return f"{area_date}{letter}{serial}{total % 10}"


def _kvnr(letter: str, eight: str) -> str:
    digits = f"{ord(letter) - 64:02d}" + eight
    return f"{letter}{eight}{sum(sum(divmod(int(d) * (1 + i % 2), 10)) for i, d in enumerate(digits)) % 10}"


DE_RVNR = _rvnr("12150385", "M", "04")
DE_KVNR = _kvnr("T", "12345670")
DE_VAT = complete("DE12345678", stdnum_eu_vat.is_valid)
SE_VAT_PERSON = f"SE{SE_10}01"
SE_ORGNR = complete("556703748", stdnum_se_orgnr.is_valid)
SE_VAT_COMPANY = f"SE{SE_ORGNR}01"
ES_VAT_PERSON = "ES12345678Z"
PT_VAT_COMPANY = f"PT{PT_COMPANY}"
FI_YTUNNUS = complete("2077474-", stdnum_ytunnus.is_valid)
IT_IVA = complete("0133355032", stdnum_iva.is_valid)
BE_EID = complete("5911917064", stdnum_eid.is_valid, TWO_DIGITS)
PL_ID = next(f"ABA{d}00000" for d in "0123456789"
             if sum(v * w for v, w in zip((10, 11, 10, int(d), 0, 0, 0, 0, 0), (7, 3, 1, 9, 7, 3, 1, 7, 3),
                                          strict=True)) % 10 == 0)


def test_generated_values_are_valid() -> None:
    checks = [
        (stdnum_rc.is_valid, CZ_RC), (stdnum_nn.is_valid, BE_NN), (stdnum_fnr.is_valid, NO_FNR),
        (stdnum_fnr.is_valid, NO_D), (stdnum_kennitala.is_valid, IS_KT), (stdnum_kennitala.is_valid, IS_COMPANY),
        (stdnum_ik.is_valid, EE_IK), (stdnum_asmens.is_valid, LT_AK), (stdnum_lv.is_valid, LV_OLD),
        (stdnum_lv.is_valid, LV_NEW), (stdnum_emso.is_valid, SI_EMSO), (stdnum_oib.is_valid, HR_OIB),
        (stdnum_cnp.is_valid, RO_CNP), (stdnum_egn.is_valid, BG_EGN), (stdnum_nif.is_valid, PT_NIF),
        (stdnum_cc.is_valid, PT_CC), (stdnum_cy_vat.is_valid, CY_TIC), (stdnum_vnr.is_valid, AT_SVNR),
        (stdnum_eu_vat.is_valid, DE_VAT), (stdnum_eu_vat.is_valid, SE_VAT_PERSON),
        (stdnum_eu_vat.is_valid, SE_VAT_COMPANY),
        (stdnum_eu_vat.is_valid, ES_VAT_PERSON), (stdnum_eu_vat.is_valid, PT_VAT_COMPANY),
        (stdnum_ytunnus.is_valid, FI_YTUNNUS), (stdnum_iva.is_valid, IT_IVA), (stdnum_eid.is_valid, BE_EID),
    ]
    assert [value for is_valid, value in checks if not is_valid(value)] == []
    assert luhn.is_valid(SE_10) and luhn.is_valid(GR_AMKA) and luhn.is_valid(LU_MATRICULE[:12])
    assert verhoeff.is_valid(LU_FIRST + LU_MATRICULE[-1])
    # the published examples the checksums here were built to reproduce
    assert _rvnr("15070649", "C", "10") == "15070649C103" and _kvnr("A", "00050001") == "A000500015"


# (recognizer, text, the spans it must report)
VALID = [
    (SePersonnummerRecognizer, f"personnummer {SE_10}", [SE_10]),
    (SePersonnummerRecognizer, f"Pnr: {SE_10[:6]}-{SE_10[6:]}", [f"{SE_10[:6]}-{SE_10[6:]}"]),
    (SePersonnummerRecognizer, f"{SE_12[:8]}-{SE_12[8:]} är mitt pnr", [f"{SE_12[:8]}-{SE_12[8:]}"]),
    (SePersonnummerRecognizer, f"samordningsnummer {SE_SAMORDNING}", [SE_SAMORDNING]),
    (SePersonnummerRecognizer, f"rad 3: {SE_12}", [SE_12]),
    (SePersonnummerRecognizer, f"{SE_10[:6]}+{SE_10[6:]}", [f"{SE_10[:6]}+{SE_10[6:]}"]),
    (FiHetuRecognizer, f"Henkilötunnus: {FI_HETU}", [FI_HETU]),
    (FiHetuRecognizer, f"hetu {FI_2000S}.", [FI_2000S]),
    (FiHetuRecognizer, f"{FI_TEMPORARY} (väliaikainen)", [FI_TEMPORARY]),
    (FiHetuRecognizer, f"id{FI_HETU}", [FI_HETU]),
    (FiHetuRecognizer, FI_HETU.lower(), [FI_HETU.lower()]),
    (FiHetuRecognizer, f"{FI_HETU}, {FI_2000S}", [FI_HETU, FI_2000S]),
    (DkCprRecognizer, f"CPR-nr. {DK_CPR[:6]}-{DK_CPR[6:]}", [f"{DK_CPR[:6]}-{DK_CPR[6:]}"]),
    (DkCprRecognizer, f"cpr {DK_CPR}", [DK_CPR]),
    (DkCprRecognizer, f"personnummer: {DK_CPR}", [DK_CPR]),
    (DkCprRecognizer, f"{DK_CPR[:6]}-{DK_CPR[6:]}", [f"{DK_CPR[:6]}-{DK_CPR[6:]}"]),
    (NoFodselsnummerRecognizer, f"fødselsnummer {NO_FNR}", [NO_FNR]),
    (NoFodselsnummerRecognizer, f"{NO_FNR[:6]} {NO_FNR[6:]}", [f"{NO_FNR[:6]} {NO_FNR[6:]}"]),
    (NoFodselsnummerRecognizer, f"D-nummer: {NO_D}", [NO_D]),
    (NoFodselsnummerRecognizer, f"rad {NO_FNR}", [NO_FNR]),
    (IsKennitalaRecognizer, f"kt. {IS_KT[:6]}-{IS_KT[6:]}", [f"{IS_KT[:6]}-{IS_KT[6:]}"]),
    (IsKennitalaRecognizer, f"kennitala {IS_KT}", [IS_KT]),
    (IsKennitalaRecognizer, f"{IS_KT[:6]}-{IS_KT[6:]}", [f"{IS_KT[:6]}-{IS_KT[6:]}"]),
    (IsKennitalaRecognizer, f"{IS_KT}.", [IS_KT]),
    (EeIsikukoodRecognizer, f"isikukood {EE_IK}", [EE_IK]),
    (EeIsikukoodRecognizer, f"IK: {EE_IK}", [EE_IK]),
    (EeIsikukoodRecognizer, f"{EE_IK} on minu isikukood", [EE_IK]),
    (EeIsikukoodRecognizer, f"rida {EE_IK}", [EE_IK]),
    (LtAsmensKodasRecognizer, f"asmens kodas {LT_AK}", [LT_AK]),
    (LtAsmensKodasRecognizer, f"a. k. {LT_AK}", [LT_AK]),
    (LtAsmensKodasRecognizer, f"({LT_AK})", [LT_AK]),
    (LtAsmensKodasRecognizer, f"mano asmens kodą {LT_AK}", [LT_AK]),
    (LvPersonasKodsRecognizer, f"personas kods {LV_OLD[:6]}-{LV_OLD[6:]}", [f"{LV_OLD[:6]}-{LV_OLD[6:]}"]),
    (LvPersonasKodsRecognizer, f"{LV_NEW[:6]}-{LV_NEW[6:]}", [f"{LV_NEW[:6]}-{LV_NEW[6:]}"]),
    (LvPersonasKodsRecognizer, f"p. k. {LV_NEW}", [LV_NEW]),
    (LvPersonasKodsRecognizer, LV_OLD, [LV_OLD]),
    (BeNationalNumberRecognizer, f"rijksregisternummer {BE_NN}", [BE_NN]),
    (BeNationalNumberRecognizer, f"NISS: {BE_NN[:2]}.{BE_NN[2:4]}.{BE_NN[4:6]}-{BE_NN[6:9]}.{BE_NN[9:]}",
     [f"{BE_NN[:2]}.{BE_NN[2:4]}.{BE_NN[4:6]}-{BE_NN[6:9]}.{BE_NN[9:]}"]),
    (BeNationalNumberRecognizer, f"{BE_NN[:2]}.{BE_NN[2:4]}.{BE_NN[4:6]}-{BE_NN[6:9]}.{BE_NN[9:]}",
     [f"{BE_NN[:2]}.{BE_NN[2:4]}.{BE_NN[4:6]}-{BE_NN[6:9]}.{BE_NN[9:]}"]),
    (BeNationalNumberRecognizer, f"numéro de registre national : {BE_NN}", [BE_NN]),
    (AtSvnrRecognizer, f"Sozialversicherungsnummer {AT_SVNR}", [AT_SVNR]),
    (AtSvnrRecognizer, f"{AT_SVNR[:4]} {AT_SVNR[4:]}", [f"{AT_SVNR[:4]} {AT_SVNR[4:]}"]),
    (AtSvnrRecognizer, f"SVNR: {AT_SVNR[:4]} {AT_SVNR[4:]}", [f"{AT_SVNR[:4]} {AT_SVNR[4:]}"]),
    (AtSvnrRecognizer, f"Zeile {AT_SVNR}", [AT_SVNR]),
    (CzSkRodneCisloRecognizer, f"rodné číslo {CZ_RC[:6]}/{CZ_RC[6:]}", [f"{CZ_RC[:6]}/{CZ_RC[6:]}"]),
    (CzSkRodneCisloRecognizer, f"RČ: {CZ_RC}", [CZ_RC]),
    (CzSkRodneCisloRecognizer, f"{CZ_RC[:6]}/{CZ_RC[6:]}", [f"{CZ_RC[:6]}/{CZ_RC[6:]}"]),
    (CzSkRodneCisloRecognizer, "rodné číslo 450101/123", ["450101/123"]),   # before 1954: nine digits, no check
    (LiPeidRecognizer, "PEID: 4831927", ["4831927"]),
    (LiPeidRecognizer, "Personenidentifikationsnummer 000004831927", ["000004831927"]),
    (LiPeidRecognizer, "PEID-Nr. 4 831 927", ["4 831 927"]),
    (LiPeidRecognizer, "4831927 (PEID)", ["4831927"]),
    (HuTajRecognizer, f"TAJ-szám: {HU_TAJ[:3]} {HU_TAJ[3:6]} {HU_TAJ[6:]}",
     [f"{HU_TAJ[:3]} {HU_TAJ[3:6]} {HU_TAJ[6:]}"]),
    (HuTajRecognizer, f"TAJ {HU_TAJ}", [HU_TAJ]),
    (HuTajRecognizer, f"{HU_TAJ} a TAJ számom", [HU_TAJ]),
    (HuTajRecognizer, f"társadalombiztosítási azonosító jel {HU_TAJ}", [HU_TAJ]),
    (HuTaxIdRecognizer, f"adóazonosító jel: {HU_TAX}", [HU_TAX]),
    (HuTaxIdRecognizer, f"sor {HU_TAX}", [HU_TAX]),
    (HuTaxIdRecognizer, f"adóazonosítója {HU_TAX}.", [HU_TAX]),
    (HuTaxIdRecognizer, f"({HU_TAX})", [HU_TAX]),
    (SiEmsoRecognizer, f"EMŠO: {SI_EMSO}", [SI_EMSO]),
    (SiEmsoRecognizer, f"matična številka {SI_EMSO}", [SI_EMSO]),
    (SiEmsoRecognizer, SI_EMSO, [SI_EMSO]),
    (SiEmsoRecognizer, f"emso {SI_EMSO}.", [SI_EMSO]),
    (HrOibRecognizer, f"OIB: {HR_OIB}", [HR_OIB]),
    (HrOibRecognizer, f"osobni identifikacijski broj {HR_OIB}", [HR_OIB]),
    (HrOibRecognizer, f"{HR_OIB} (OIB)", [HR_OIB]),
    (HrOibRecognizer, f"oib {HR_OIB}.", [HR_OIB]),
    (RoCnpRecognizer, f"CNP {RO_CNP}", [RO_CNP]),
    (RoCnpRecognizer, f"codul numeric personal: {RO_CNP}", [RO_CNP]),
    (RoCnpRecognizer, RO_CNP, [RO_CNP]),
    (RoCnpRecognizer, f"{RO_CNP} este CNP-ul meu", [RO_CNP]),
    (BgEgnRecognizer, f"ЕГН {BG_EGN}", [BG_EGN]),
    (BgEgnRecognizer, f"EGN: {BG_EGN}", [BG_EGN]),
    (BgEgnRecognizer, BG_EGN, [BG_EGN]),
    (BgEgnRecognizer, f"единен граждански номер {BG_EGN}", [BG_EGN]),
    (GrAmkaRecognizer, f"ΑΜΚΑ: {GR_AMKA}", [GR_AMKA]),
    (GrAmkaRecognizer, f"AMKA {GR_AMKA}", [GR_AMKA]),
    (GrAmkaRecognizer, GR_AMKA, [GR_AMKA]),
    (GrAmkaRecognizer, f"Α.Μ.Κ.Α. {GR_AMKA}", [GR_AMKA]),
    (CyTicRecognizer, f"TIC {CY_TIC}", [CY_TIC]),
    (CyTicRecognizer, f"Α.Φ.Τ. {CY_TIC[:8]}-{CY_TIC[8]}", [f"{CY_TIC[:8]}-{CY_TIC[8]}"]),
    (CyTicRecognizer, CY_TIC, [CY_TIC]),
    (CyTicRecognizer, f"tax identification code: {CY_TIC}", [CY_TIC]),
    (MtIdCardRecognizer, "ID card 12345M", ["12345M"]),
    (MtIdCardRecognizer, "karta tal-identità: 0012345G", ["0012345G"]),
    (MtIdCardRecognizer, "0123456M", ["0123456M"]),
    (MtIdCardRecognizer, "identity card no. 789L", ["789L"]),
    (PtNifRecognizer, f"NIF {PT_NIF}", [PT_NIF]),
    (PtNifRecognizer, f"contribuinte n.º {PT_NIF[:3]} {PT_NIF[3:6]} {PT_NIF[6:]}",
     [f"{PT_NIF[:3]} {PT_NIF[3:6]} {PT_NIF[6:]}"]),
    (PtNifRecognizer, PT_NIF, [PT_NIF]),
    (PtNifRecognizer, f"número de identificação fiscal: {PT_NIF}", [PT_NIF]),
    (PtCcRecognizer, f"Cartão de Cidadão {PT_CC}", [PT_CC]),
    (PtCcRecognizer, f"{PT_CC[:8]} {PT_CC[8]} {PT_CC[9:]}", [f"{PT_CC[:8]} {PT_CC[8]} {PT_CC[9:]}"]),
    (PtCcRecognizer, "00000000 0 ZZ4", ["00000000 0 ZZ4"]),               # stdnum's example
    (PtCcRecognizer, f"CC: {PT_CC}", [PT_CC]),
    (IePpsRecognizer, f"PPS number {IE_PPS}", [IE_PPS]),
    (IePpsRecognizer, IE_PPS_2013, [IE_PPS_2013]),
    (IePpsRecognizer, f"PPSN: {IE_PPS}W", [f"{IE_PPS}W"]),
    (IePpsRecognizer, f"({IE_PPS})", [IE_PPS]),
    (LuMatriculeRecognizer, f"matricule {LU_MATRICULE}", [LU_MATRICULE]),
    (LuMatriculeRecognizer, LU_MATRICULE, [LU_MATRICULE]),
    (LuMatriculeRecognizer, f"{LU_MATRICULE[:4]} {LU_MATRICULE[4:8]} {LU_MATRICULE[8:11]} {LU_MATRICULE[11:]}",
     [f"{LU_MATRICULE[:4]} {LU_MATRICULE[4:8]} {LU_MATRICULE[8:11]} {LU_MATRICULE[11:]}"]),
    (LuMatriculeRecognizer, f"numéro d'identification national: {LU_MATRICULE}", [LU_MATRICULE]),
    (DeSocialSecurityRecognizer, f"Rentenversicherungsnummer {DE_RVNR}", [DE_RVNR]),
    (DeSocialSecurityRecognizer, f"{DE_RVNR[:2]} {DE_RVNR[2:8]} {DE_RVNR[8]} {DE_RVNR[9:]}",
     [f"{DE_RVNR[:2]} {DE_RVNR[2:8]} {DE_RVNR[8]} {DE_RVNR[9:]}"]),
    (DeSocialSecurityRecognizer, "SV-Nummer: 15070649C103", ["15070649C103"]),
    (DeSocialSecurityRecognizer, DE_RVNR, [DE_RVNR]),
    (DeHealthInsuranceRecognizer, f"Versichertennummer {DE_KVNR}", [DE_KVNR]),
    (DeHealthInsuranceRecognizer, f"KVNR: {DE_KVNR}", [DE_KVNR]),
    (DeHealthInsuranceRecognizer, DE_KVNR, [DE_KVNR]),
    (DeHealthInsuranceRecognizer, "eGK A000500015", ["A000500015"]),
    (DeTaxNumberRecognizer, "Steuernummer 181/815/08155", ["181/815/08155"]),
    (DeTaxNumberRecognizer, "St.-Nr.: 21/815/08150", ["21/815/08150"]),
    (DeTaxNumberRecognizer, "Steuernummer 9181081508155", ["9181081508155"]),
    (DeTaxNumberRecognizer, "181/815/08155", ["181/815/08155"]),
]

# (recognizer, text that must yield nothing, why)
INVALID = [
    (SePersonnummerRecognizer, f"personnummer {wrong_last(SE_10, luhn.is_valid)}", "Luhn"),
    (SePersonnummerRecognizer, "personnummer 811328-9874", "month 13"),
    (SePersonnummerRecognizer, f"pnr {SE_FUTURE}", "born next year"),
    (SePersonnummerRecognizer, f"order {SE_12}", "labelled as an order number"),
    (SePersonnummerRecognizer, f"SKU{SE_10}", "glued to a word"),
    (SePersonnummerRecognizer, f"pnr {SE_12[:8]}+{SE_12[8:]}", "a four-digit year with '+'"),
    (SePersonnummerRecognizer, "pnr 0000000000", "a placeholder"),
    (FiHetuRecognizer, f"hetu {FI_HETU[:-1]}{FI_CHECK[(FI_CHECK.index(FI_HETU[-1]) + 1) % 31]}", "check character"),
    (FiHetuRecognizer, "hetu 311152-308T", "31 November"),
    (FiHetuRecognizer, "hetu 131052G308T", "G is no century sign"),
    (FiHetuRecognizer, f"hetu 010155A123{FI_CHECK[int('010155123') % 31]}", "born in 2055"),
    (FiHetuRecognizer, f"{FI_HETU}5", "continues"),
    (DkCprRecognizer, "CPR 3211625629", "day 32"),
    (DkCprRecognizer, "2110625629", "plain ten digits need a cue"),
    (DkCprRecognizer, "cpr 211062-56290", "five serial digits"),
    (DkCprRecognizer, "order 211062-5629", "labelled as an order number"),
    (DkCprRecognizer, "cpr 1111111111", "a placeholder"),
    (NoFodselsnummerRecognizer, f"fødselsnummer {wrong_last(NO_FNR, stdnum_fnr.is_valid)}", "second check digit"),
    (NoFodselsnummerRecognizer, f"fødselsnummer {NO_FNR[:-2]}{NO_FNR[-1]}{NO_FNR[-2]}", "check digits swapped"),
    (NoFodselsnummerRecognizer, f"{NO_FNR}1", "twelve digits"),
    (NoFodselsnummerRecognizer, f"+{NO_FNR}", "a phone number"),
    (NoFodselsnummerRecognizer, f"tel {NO_FNR}", "labelled as a phone number"),
    (IsKennitalaRecognizer, f"kt. {wrong_last(IS_KT[:9], lambda v: stdnum_kennitala.is_valid(v + '9'))}9",
     "check digit"),
    (IsKennitalaRecognizer, f"kennitala {IS_COMPANY}", "a company's kennitala (day + 40)"),
    (IsKennitalaRecognizer, f"kt. {IS_KT[:9]}7", "century digit 7"),
    (IsKennitalaRecognizer, f"invoice {IS_KT}", "labelled as an invoice number"),
    (EeIsikukoodRecognizer, f"isikukood {wrong_last(EE_IK, stdnum_ik.is_valid)}", "check digit"),
    (EeIsikukoodRecognizer, f"isikukood 7{EE_IK[1:]}", "7 is no sex and century digit"),
    (EeIsikukoodRecognizer, f"{EE_IK}0", "twelve digits"),
    (EeIsikukoodRecognizer, f"ik {EE_IK[:-1]}", "'ik' in lower case is no cue, and ten digits"),
    (LtAsmensKodasRecognizer, f"asmens kodas {wrong_last(LT_AK, stdnum_asmens.is_valid)}", "check digit"),
    (LtAsmensKodasRecognizer, "asmens kodas 39013321235", "month 13"),
    (LtAsmensKodasRecognizer, f"A{LT_AK}", "glued"),
    (LtAsmensKodasRecognizer, f"ref {LT_AK}", "labelled as a reference"),
    (LvPersonasKodsRecognizer, f"personas kods {wrong_last(LV_OLD, stdnum_lv.is_valid)}", "check digit"),
    (LvPersonasKodsRecognizer, f"personas kods 7{LV_OLD[1:]}", "first digit above 3: a company"),
    (LvPersonasKodsRecognizer, f"{LV_OLD[:6]}-{LV_OLD[6:]}9", "six digits after the hyphen"),
    (LvPersonasKodsRecognizer, f"order {LV_NEW}", "labelled"),
    (BeNationalNumberRecognizer, f"rijksregisternummer {wrong_last(BE_NN, stdnum_nn.is_valid)}", "mod 97"),
    (BeNationalNumberRecognizer, f"{BE_NN[:2]}.{BE_NN[2:4]}.{BE_NN[4:6]}-{BE_NN[6:9]}.{BE_NN[9:]}5", "continues"),
    (BeNationalNumberRecognizer, f"SKU-{BE_NN}", "part of a code"),
    (BeNationalNumberRecognizer, "rijksregisternummer 00000000000", "a placeholder"),
    (AtSvnrRecognizer, f"SVNR {wrong_last(AT_SVNR[:4], lambda v: stdnum_vnr.is_valid(v + '150385'))}150385",
     "check digit"),
    (AtSvnrRecognizer, f"SVNR {AT_SVNR[:4]}321385", "day 32"),
    (AtSvnrRecognizer, f"SVNR 0{AT_SVNR[1:]}", "serial starting 0"),
    (AtSvnrRecognizer, f"Kundennummer {AT_SVNR}", "labelled as a customer number"),
    (CzSkRodneCisloRecognizer, f"rodné číslo {wrong_last(CZ_RC, stdnum_rc.is_valid)}", "mod 11"),
    (CzSkRodneCisloRecognizer, "450101/123", "nine digits need a cue"),
    (CzSkRodneCisloRecognizer, "rodné číslo 851332/1234", "day 32"),
    (CzSkRodneCisloRecognizer, f"faktura {CZ_RC}", "labelled as an invoice"),
    (LiPeidRecognizer, "4831927", "no check digit: needs a cue"),
    (LiPeidRecognizer, "PEID 123", "too short"),
    (LiPeidRecognizer, "PEID 4831927483192", "too long"),
    (LiPeidRecognizer, "PEID 000 000 000", "a placeholder"),
    (HuTajRecognizer, f"TAJ {wrong_last(HU_TAJ, lambda v: v == HU_TAJ)}", "check digit"),
    (HuTajRecognizer, HU_TAJ, "nine digits need a cue"),
    (HuTajRecognizer, f"TAJ {HU_TAJ}0", "ten digits"),
    (HuTajRecognizer, "TAJ 000 000 000", "a placeholder"),
    (HuTaxIdRecognizer, f"adóazonosító jel {wrong_last(HU_TAX, lambda v: v == HU_TAX)}", "check digit"),
    (HuTaxIdRecognizer, f"adóazonosító jel 7{HU_TAX[1:]}", "must start with 8"),
    (HuTaxIdRecognizer, "adóazonosító jel 8999991234", "a birth date in the future"),
    (HuTaxIdRecognizer, f"rendelés {HU_TAX}", "labelled as an order"),
    (SiEmsoRecognizer, f"EMŠO {wrong_last(SI_EMSO, stdnum_emso.is_valid)}", "check digit"),
    (SiEmsoRecognizer, "EMŠO 3203985501233", "day 32"),
    (SiEmsoRecognizer, f"{SI_EMSO}9", "fourteen digits"),
    (SiEmsoRecognizer, f"naročilo {SI_EMSO}", "labelled as an order"),
    (HrOibRecognizer, f"OIB {wrong_last(HR_OIB, stdnum_oib.is_valid)}", "check digit"),
    (HrOibRecognizer, HR_OIB, "eleven digits need a cue"),
    (HrOibRecognizer, f"OIB {HR_OIB}2", "twelve digits"),
    (HrOibRecognizer, f"OIB HR{HR_OIB}", "a VAT number"),
    (RoCnpRecognizer, f"CNP {wrong_last(RO_CNP, stdnum_cnp.is_valid)}", "check digit"),
    (RoCnpRecognizer, "CNP 1851315401231", "month 13"),
    (RoCnpRecognizer, f"CNP 5{NEXT_YEAR % 100:02d}0315401230", "born next year"),
    (RoCnpRecognizer, f"comanda {RO_CNP}", "labelled as an order"),
    (BgEgnRecognizer, f"ЕГН {wrong_last(BG_EGN, stdnum_egn.is_valid)}", "check digit"),
    (BgEgnRecognizer, "ЕГН 8613151239", "month 13"),
    (BgEgnRecognizer, f"{BG_EGN}0", "eleven digits"),
    (BgEgnRecognizer, f"поръчка {BG_EGN}", "labelled as an order"),
    (GrAmkaRecognizer, f"ΑΜΚΑ {wrong_last(GR_AMKA, luhn.is_valid)}", "Luhn"),
    (GrAmkaRecognizer, "ΑΜΚΑ 3202850123" + luhn.calc_check_digit("3202850123"), "30 February"),
    (GrAmkaRecognizer, f"{GR_AMKA}7", "twelve digits"),
    (GrAmkaRecognizer, f"παραγγελία {GR_AMKA}", "labelled as an order"),
    (CyTicRecognizer, f"TIC {wrong_last(CY_TIC, lambda v: v == CY_TIC)[:-1]}A" if CY_TIC[-1] != "A"
     else f"TIC {CY_TIC[:-1]}B", "check letter"),
    (CyTicRecognizer, "TIC 10259033P", "a company's code (first digit 1)"),
    (CyTicRecognizer, f"{CY_TIC[:-1]}{CY_TIC[-1].lower()}", "a lower-case letter without a cue"),
    (CyTicRecognizer, f"X{CY_TIC}", "glued"),
    (MtIdCardRecognizer, "12345M", "short numbers need a cue"),
    (MtIdCardRecognizer, "ID card 1234567X", "X names no register"),
    (MtIdCardRecognizer, "0123456m", "lower-case letter"),
    (MtIdCardRecognizer, "a €500M budget", "an amount"),
    (PtNifRecognizer, f"NIF {wrong_last(PT_NIF, stdnum_nif.is_valid)}", "mod 11"),
    (PtNifRecognizer, f"NIF {PT_COMPANY}", "a company's NIPC"),
    (PtNifRecognizer, f"encomenda {PT_NIF}", "labelled as an order"),
    (PtNifRecognizer, "NIF 123456789", "a placeholder"),
    (PtCcRecognizer, "00000000 0 ZZ3", "check digit"),
    (PtCcRecognizer, "00000000 A ZZ4", "a letter where the NIC's check digit goes"),
    (PtCcRecognizer, "000000000001", "digits where the version letters go"),
    (PtCcRecognizer, f"{PT_CC}7", "continues"),
    (IePpsRecognizer, f"PPS {IE_PPS[:-1]}{'A' if IE_PPS[-1] != 'A' else 'B'}", "check letter"),
    (IePpsRecognizer, f"PPS {IE_PPS}H", "H: a company or trust"),
    (IePpsRecognizer, f"{IE_PPS.lower()}", "lower case without a cue"),
    (IePpsRecognizer, f"{IE_PPS}XYZ", "continues"),
    (LuMatriculeRecognizer, f"matricule {LU_MATRICULE[:-1]}{(int(LU_MATRICULE[-1]) + 1) % 10}", "Verhoeff digit"),
    (LuMatriculeRecognizer, f"matricule {LU_MATRICULE[:11]}{(int(LU_MATRICULE[11]) + 1) % 10}{LU_MATRICULE[12]}",
     "Luhn digit"),
    (LuMatriculeRecognizer, f"{NEXT_YEAR}0101" + "0000000", "born next year"),
    (LuMatriculeRecognizer, f"{LU_MATRICULE}1", "fourteen digits"),
    (DeSocialSecurityRecognizer, "RVNR 15070649C100", "check digit"),
    (DeSocialSecurityRecognizer, "RVNR 15071349C103", "month 13"),
    (DeSocialSecurityRecognizer, "RVNR 150706491103", "a digit where the initial goes"),
    (DeSocialSecurityRecognizer, f"{DE_RVNR}0", "thirteen characters"),
    (DeHealthInsuranceRecognizer, f"KVNR {wrong_last(DE_KVNR, lambda v: v == DE_KVNR)}", "check digit"),
    (DeHealthInsuranceRecognizer, "KVNR 1123456780", "a digit where the letter goes"),
    (DeHealthInsuranceRecognizer, f"KVNR {DE_KVNR}1", "eleven characters"),
    (DeHealthInsuranceRecognizer, f"Rechnung {DE_KVNR}", "labelled as an invoice"),
    (DeTaxNumberRecognizer, "Steuernummer 12/345/6789", "no Land's layout"),
    (DeTaxNumberRecognizer, "Steuernummer 0281508150123", "an ELSTER number needs 0 in fifth place"),
    (DeTaxNumberRecognizer, "9181081508155", "the ELSTER digit run needs a cue"),
    (DeTaxNumberRecognizer, "Steuernummer 123/456/78901", "a placeholder"),
]


@pytest.mark.parametrize(("cls", "text", "expected"), VALID, ids=lambda v: getattr(v, "__name__", None))
def test_valid_examples_report_exact_spans(cls: type[NationalIdRecognizer], text: str, expected: list[str]) -> None:
    assert found(cls, text) == expected


@pytest.mark.parametrize(("cls", "text", "why"), INVALID, ids=lambda v: getattr(v, "__name__", None))
def test_invalid_examples_report_nothing(cls: type[NationalIdRecognizer], text: str, why: str) -> None:
    assert found(cls, text) == [], why


NATIONAL = NORDIC_RECOGNIZERS + BALTIC_RECOGNIZERS + CENTRAL_RECOGNIZERS + SOUTH_RECOGNIZERS + WEST_RECOGNIZERS


@pytest.mark.parametrize("cls", NATIONAL, ids=lambda cls: cls.__name__)
def test_tables_cover_every_national_recognizer(cls: type[NationalIdRecognizer]) -> None:
    assert sum(c is cls for c, _, _ in VALID) >= 4
    assert sum(c is cls for c, _, _ in INVALID) >= 4


@pytest.mark.parametrize("cls", ALL, ids=lambda cls: cls.__name__)
def test_contract(cls: type[NationalIdRecognizer]) -> None:
    assert cls.ENTITY in ENTITY_TYPES and cls.__doc__ and cls.__doc__.strip()
    recognizer = cls()
    assert recognizer.supported_entities == [cls.ENTITY] and recognizer.name == cls.__name__
    names = [spec[0] for spec in cls.PATTERNS]
    assert names and len(set(names)) == len(names)
    assert all(0 < spec[2] <= 1 for spec in cls.PATTERNS)
    assert cls.CONTEXT and all(word == word.lower() for word in cls.CONTEXT)
    assert recognizer.analyze("Nothing personal here: 42 apples, 3.5 kg, order 7 of 12.", [cls.ENTITY]) == []
    assert recognizer.analyze(f"personnummer {SE_10}", ["SOME_OTHER_TYPE"]) == []


@pytest.mark.parametrize("policy", list_policies())
def test_every_shipped_policy_lists_every_new_type(policy: str) -> None:
    # a type missing from a policy is silently never detected under it
    assert {cls.ENTITY for cls in ALL} <= set(load_policy(policy).entities)
    assert load_policy(policy).entities["ORGANISATION_ID"].operator.type == "keep"


# -- scores: a cue and a checksum make a finding certain; a bare digit run goes to review ---------------------
@pytest.mark.parametrize(("cls", "text", "score"), [
    (SePersonnummerRecognizer, f"personnummer {SE_10}", CERTAIN),
    (SePersonnummerRecognizer, f"{SE_10[:6]}-{SE_10[6:]}", SHAPED),
    (SePersonnummerRecognizer, SE_10, BARE),
    (FiHetuRecognizer, FI_HETU, STRONG),
    (NoFodselsnummerRecognizer, NO_FNR, BARE),
    (NoFodselsnummerRecognizer, f"fødselsnummer {NO_FNR}", CERTAIN),
    (DkCprRecognizer, f"{DK_CPR[:6]}-{DK_CPR[6:]}", BARE),              # a date, but no check digit
    (RoCnpRecognizer, RO_CNP, BARE),
    (RoCnpRecognizer, f"{RO_CNP} este CNP-ul meu", CERTAIN),
    (MtIdCardRecognizer, "0123456M", FORMAT_ONLY),
    (MtIdCardRecognizer, "ID card 0123456M", 0.8),                       # a cue, nothing to check
    (IePpsRecognizer, IE_PPS, BARE),                                     # seven digits and one letter
    (IePpsRecognizer, IE_PPS_2013, SHAPED),
    (IePpsRecognizer, f"PPSN {IE_PPS}", CERTAIN),
    (PassportRecognizer, "AB1234567", FORMAT_ONLY),
    (PassportRecognizer, "Reisepass C01X00T47", 0.75),                   # below UK_PASSPORT's cued 0.8
])
def test_scores(cls: type[NationalIdRecognizer], text: str, score: float) -> None:
    assert score_of(cls, text) == pytest.approx(score)


def test_score_tiers_fall_into_the_shipped_review_bands() -> None:
    for name in list_policies():
        policy = load_policy(name)
        threshold = policy.entities["PASSPORT_NUMBER"].threshold
        # a document number without a cue is listed for review and never redacted on its shape alone
        assert policy.review_band.low <= FORMAT_ONLY < threshold
        # a checksum-shaped number with the national separator is redacted under every shipped policy
        assert SHAPED >= policy.entities["SE_PERSONNUMMER"].threshold
    assert load_policy("uk-gdpr-default").entities["SE_PERSONNUMMER"].threshold > BARE


@pytest.mark.parametrize("value", ["000000000", "1111111111", "123456789", "9876543210", "12.345.678.9",
                                   "90123456789"])
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["12345", "A123456789", "123456788", SE_10, "1122334455"])
def test_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)


def test_icao_check_digit_matches_the_specimen_passport_mrz() -> None:
    # the German specimen passport's MRZ reads C01X00T478: the document number, then its check digit 8
    assert icao_check_digit("C01X00T47") == 8
    assert icao_check_digit("L01X00T47") == 1


# -- documents ------------------------------------------------------------------------------------------------
DOCUMENTS_VALID = [
    (PassportRecognizer, "Reisepass C01X00T47", ["C01X00T47"]),
    (PassportRecognizer, "C01X00T47", ["C01X00T47"]),
    (PassportRecognizer, "numéro de passeport : 09AA12345", ["09AA12345"]),
    (PassportRecognizer, "09AA12345", ["09AA12345"]),
    (PassportRecognizer, "YA1234567", ["YA1234567"]),
    (PassportRecognizer, "PAA123456", ["PAA123456"]),
    (PassportRecognizer, "paszport nr ea1234567", ["ea1234567"]),
    (PassportRecognizer, "passport no. 83459127", ["83459127"]),
    (PassportRecognizer, "útlevélszám: BA1234567", ["BA1234567"]),
    (PassportRecognizer, "διαβατήριο AE0123456", ["AE0123456"]),
    (IdCardRecognizer, "Personalausweis L01X00T47", ["L01X00T47"]),
    (IdCardRecognizer, "L01X00T47", ["L01X00T47"]),
    (IdCardRecognizer, "T22000129", ["T22000129"]),
    (IdCardRecognizer, "CA12345AB", ["CA12345AB"]),
    (IdCardRecognizer, "carte d'identité 880692310285", ["880692310285"]),
    (IdCardRecognizer, "občanský průkaz 204596783", ["204596783"]),
    (PlIdCardRecognizer, PL_ID, [PL_ID]),
    (PlIdCardRecognizer, f"dowód osobisty {PL_ID[:3]} {PL_ID[3:]}", [f"{PL_ID[:3]} {PL_ID[3:]}"]),
    (BeEidRecognizer, f"{BE_EID[:3]}-{BE_EID[3:10]}-{BE_EID[10:]}", [f"{BE_EID[:3]}-{BE_EID[3:10]}-{BE_EID[10:]}"]),
    (BeEidRecognizer, f"eID {BE_EID}", [BE_EID]),
    (NlDocumentRecognizer, "documentnummer XR1001R58", ["XR1001R58"]),
    (DrivingLicenceRecognizer, "Führerschein B072RRE2I55", ["B072RRE2I55"]),
    (DrivingLicenceRecognizer, "BO12345678A", ["BO12345678A"]),
    (DrivingLicenceRecognizer, "U1H00B000C", ["U1H00B000C"]),
    (DrivingLicenceRecognizer, "rijbewijsnummer 5123456789", ["5123456789"]),
    (DrivingLicenceRecognizer, "permis de conduire n° 12AB34567", ["12AB34567"]),
]
DOCUMENTS_INVALID = [
    (PassportRecognizer, "ab1234567", "lower case without a cue"),
    (PassportRecognizer, "123456789", "a digit run needs a cue"),
    (PassportRecognizer, "CHRYSLFT9", "fewer than two digits in a German layout"),
    (PassportRecognizer, "passport expired. Ticket 123456789", "cue in the previous sentence"),
    (PassportRecognizer, "AAAA12345", "four letters"),
    (PassportRecognizer, "XR1001R58", "the Dutch layout needs a cue"),
    (IdCardRecognizer, "LOREM1234", "a vowel outside the ICAO charset"),
    (IdCardRecognizer, "1234567kg", "lower case: a quantity"),
    (PlIdCardRecognizer, PL_ID[:3] + str((int(PL_ID[3]) + 1) % 10) + PL_ID[4:], "check digit"),
    (BeEidRecognizer, f"{BE_EID[:10]}{(int(BE_EID[10:]) + 1) % 100:02d}", "mod 97"),
    (NlDocumentRecognizer, "documentnummer XR1O01R58", "the letter O is never used"),
    (DrivingLicenceRecognizer, "DE123456789", "a German VAT number"),
    (DrivingLicenceRecognizer, "U1H00A000B", "A is not used in the new Italian serial"),
    (DrivingLicenceRecognizer, "licence key ABCD-1234-EFGH", "not a document number"),
]


@pytest.mark.parametrize(("cls", "text", "expected"), DOCUMENTS_VALID, ids=lambda v: getattr(v, "__name__", None))
def test_documents_valid(cls: type[NationalIdRecognizer], text: str, expected: list[str]) -> None:
    assert found(cls, text) == expected


@pytest.mark.parametrize(("cls", "text", "why"), DOCUMENTS_INVALID, ids=lambda v: getattr(v, "__name__", None))
def test_documents_invalid(cls: type[NationalIdRecognizer], text: str, why: str) -> None:
    assert found(cls, text) == [], why


def test_german_series_letter_tells_passport_from_identity_card() -> None:
    assert found(PassportRecognizer, "C01X00T47") == ["C01X00T47"] and found(IdCardRecognizer, "C01X00T47") == []
    assert found(IdCardRecognizer, "L01X00T47") == ["L01X00T47"] and found(PassportRecognizer, "L01X00T47") == []


# -- company numbers and sole traders' VAT numbers ---------------------------------------------------------------
ORGANISATIONS_VALID = [
    (OrganisationVatRecognizer, f"USt-IdNr. {DE_VAT}", [DE_VAT]),
    (OrganisationVatRecognizer, f"{DE_VAT[:2]} {DE_VAT[2:5]} {DE_VAT[5:8]} {DE_VAT[8:]}",
     [f"{DE_VAT[:2]} {DE_VAT[2:5]} {DE_VAT[5:8]} {DE_VAT[8:]}"]),
    (OrganisationVatRecognizer, SE_VAT_COMPANY, [SE_VAT_COMPANY]),
    (OrganisationVatRecognizer, PT_VAT_COMPANY, [PT_VAT_COMPANY]),
    (OrganisationVatRecognizer, "TVA FR40303265045", ["FR40303265045"]),
    (PersonalVatRecognizer, SE_VAT_PERSON, [SE_VAT_PERSON]),
    (PersonalVatRecognizer, f"IVA: {ES_VAT_PERSON}", [ES_VAT_PERSON]),
    (PersonalVatRecognizer, f"PT{PT_NIF}", [f"PT{PT_NIF}"]),
    (PersonalVatRecognizer, f"CZ{CZ_RC}", [f"CZ{CZ_RC}"]),
    (PersonalVatRecognizer, f"BG{BG_EGN}", [f"BG{BG_EGN}"]),
    (DeHandelsregisterRecognizer, "Amtsgericht München HRB 12345", ["HRB 12345"]),
    (DeHandelsregisterRecognizer, "HRA12345", ["HRA12345"]),
    (NordicOrganisationNumberRecognizer, f"{SE_ORGNR[:6]}-{SE_ORGNR[6:]}", [f"{SE_ORGNR[:6]}-{SE_ORGNR[6:]}"]),
    (NordicOrganisationNumberRecognizer, f"orgnr {SE_ORGNR}", [SE_ORGNR]),
    (NordicOrganisationNumberRecognizer, f"Y-tunnus {FI_YTUNNUS}", [FI_YTUNNUS]),
    (NordicOrganisationNumberRecognizer, f"{IS_COMPANY[:6]}-{IS_COMPANY[6:]}", [f"{IS_COMPANY[:6]}-{IS_COMPANY[6:]}"]),
    (CuedCompanyNumberRecognizer, IT_IVA, [IT_IVA]),
    (CuedCompanyNumberRecognizer, "SIREN 732 829 320", ["732 829 320"]),
    (CuedCompanyNumberRecognizer, "CVR-nr. 13585628", ["13585628"]),
]
ORGANISATIONS_INVALID = [
    (OrganisationVatRecognizer, f"{DE_VAT[:-1]}{(int(DE_VAT[-1]) + 1) % 10}", "check digit"),
    (OrganisationVatRecognizer, SE_VAT_PERSON, "a sole trader's personnummer"),
    (OrganisationVatRecognizer, ES_VAT_PERSON, "a person's DNI"),
    (OrganisationVatRecognizer, "Mi NIE es X9613851N", "'es' is a word, not a prefix"),
    (PersonalVatRecognizer, SE_VAT_COMPANY, "a company's organisationsnummer"),
    (PersonalVatRecognizer, PT_VAT_COMPANY, "a company's NIPC"),
    (PersonalVatRecognizer, DE_VAT, "a German VAT number never encodes a person"),
    (DeHandelsregisterRecognizer, "HRC 12345", "no section C"),
    (DeHandelsregisterRecognizer, "HRB 1234567", "seven digits"),
    (NordicOrganisationNumberRecognizer, SE_ORGNR, "ten plain digits need a cue"),
    (NordicOrganisationNumberRecognizer, f"{SE_10[:6]}-{SE_10[6:]}", "a personnummer"),
    (CuedCompanyNumberRecognizer, "00000000000", "a placeholder"),
    (CuedCompanyNumberRecognizer, "13585628", "a CVR needs a cue"),
]


@pytest.mark.parametrize(("cls", "text", "expected"), ORGANISATIONS_VALID, ids=lambda v: getattr(v, "__name__", None))
def test_organisations_valid(cls: type[NationalIdRecognizer], text: str, expected: list[str]) -> None:
    assert found(cls, text) == expected


@pytest.mark.parametrize(("cls", "text", "why"), ORGANISATIONS_INVALID, ids=lambda v: getattr(v, "__name__", None))
def test_organisations_invalid(cls: type[NationalIdRecognizer], text: str, why: str) -> None:
    assert found(cls, text) == [], why


def test_a_bare_company_number_ranks_below_a_personal_number_of_the_same_digits() -> None:
    # ORGANISATION_ID is kept by the policies: where it ties with a personal type, the personal type must win
    assert score_of(NordicOrganisationNumberRecognizer, f"{SE_ORGNR[:6]}-{SE_ORGNR[6:]}") < BARE
    assert score_of(CuedCompanyNumberRecognizer, IT_IVA) < BARE
