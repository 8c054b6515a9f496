"""Region and level inferred from real agency names, measured against codes checked by hand.

The list: every agency name the corpus prints, and real bodies of every level from public lists
(the 31 provincial governments and one of their commissions, prefecture governments and two of their
bureaus, county-level governments and their health commissions, written with and without the city).
Each carries the code of the body it really is (民政部 codes, checked by hand). Precision of the codes
assigned must be 100%; names that fit several divisions must be left ambiguous with the candidates.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.region import DATA, Place, divisions, infer, leading_places

PROVINCES = [
    ("北京市", "110000"), ("天津市", "120000"), ("河北省", "130000"), ("山西省", "140000"),
    ("内蒙古自治区", "150000"), ("辽宁省", "210000"), ("吉林省", "220000"), ("黑龙江省", "230000"),
    ("上海市", "310000"), ("江苏省", "320000"), ("浙江省", "330000"), ("安徽省", "340000"), ("福建省", "350000"),
    ("江西省", "360000"), ("山东省", "370000"), ("河南省", "410000"), ("湖北省", "420000"), ("湖南省", "430000"),
    ("广东省", "440000"), ("广西壮族自治区", "450000"), ("海南省", "460000"), ("重庆市", "500000"),
    ("四川省", "510000"), ("贵州省", "520000"), ("云南省", "530000"), ("西藏自治区", "540000"),
    ("陕西省", "610000"), ("甘肃省", "620000"), ("青海省", "630000"), ("宁夏回族自治区", "640000"),
    ("新疆维吾尔自治区", "650000"),
]
CITIES = [
    ("石家庄市", "130100"), ("太原市", "140100"), ("呼和浩特市", "150100"), ("沈阳市", "210100"),
    ("大连市", "210200"), ("长春市", "220100"), ("哈尔滨市", "230100"), ("南京市", "320100"),
    ("无锡市", "320200"), ("徐州市", "320300"), ("苏州市", "320500"), ("南通市", "320600"), ("淮安市", "320800"),
    ("杭州市", "330100"), ("宁波市", "330200"), ("温州市", "330300"), ("合肥市", "340100"), ("福州市", "350100"),
    ("厦门市", "350200"), ("南昌市", "360100"), ("济南市", "370100"), ("青岛市", "370200"), ("济宁市", "370800"),
    ("郑州市", "410100"), ("武汉市", "420100"), ("长沙市", "430100"), ("广州市", "440100"), ("深圳市", "440300"),
    ("珠海市", "440400"), ("佛山市", "440600"), ("东莞市", "441900"), ("中山市", "442000"), ("南宁市", "450100"),
    ("北海市", "450500"), ("海口市", "460100"), ("成都市", "510100"), ("贵阳市", "520100"),
    ("六盘水市", "520200"), ("昆明市", "530100"), ("拉萨市", "540100"), ("西安市", "610100"), ("兰州市", "620100"),
    ("西宁市", "630100"), ("银川市", "640100"), ("乌鲁木齐市", "650100"), ("鹤岗市", "230400"),
    ("吉林省吉林市", "220200"), ("广东省深圳市", "440300"), ("江苏省南京市", "320100"),
]
COUNTIES = [
    ("北京市东城区", "110101"), ("北京市西城区", "110102"), ("北京市朝阳区", "110105"), ("北京市丰台区", "110106"),
    ("北京市海淀区", "110108"), ("北京市通州区", "110112"), ("北京市昌平区", "110114"), ("北京市大兴区", "110115"),
    ("北京市密云区", "110118"), ("北京市延庆区", "110119"), ("上海市黄浦区", "310101"), ("上海市徐汇区", "310104"),
    ("上海市长宁区", "310105"), ("上海市静安区", "310106"), ("上海市普陀区", "310107"), ("上海市杨浦区", "310110"),
    ("上海市闵行区", "310112"), ("上海市宝山区", "310113"), ("上海市浦东新区", "310115"), ("上海市崇明区", "310151"),
    ("天津市和平区", "120101"), ("天津市南开区", "120104"), ("天津市滨海新区", "120116"), ("天津市蓟州区", "120119"),
    ("重庆市渝中区", "500103"), ("重庆市江北区", "500105"), ("重庆市渝北区", "500112"), ("重庆市万州区", "500101"),
    ("重庆市巫山县", "500237"), ("重庆市奉节县", "500236"), ("重庆市城口县", "500229"), ("重庆市开州区", "500154"),
    ("深圳市罗湖区", "440303"), ("深圳市福田区", "440304"), ("深圳市南山区", "440305"), ("深圳市宝安区", "440306"),
    ("深圳市龙岗区", "440307"), ("深圳市龙华区", "440309"), ("深圳市坪山区", "440310"), ("深圳市光明区", "440311"),
    ("广州市越秀区", "440104"), ("广州市天河区", "440106"), ("广州市番禺区", "440113"), ("广州市增城区", "440118"),
    ("杭州市西湖区", "330106"), ("杭州市余杭区", "330110"), ("杭州市临平区", "330113"), ("杭州市建德市", "330182"),
    ("南京市玄武区", "320102"), ("南京市鼓楼区", "320106"), ("南京市江宁区", "320115"), ("南京市高淳区", "320118"),
    ("武汉市江岸区", "420102"), ("武汉市武昌区", "420106"), ("武汉市青山区", "420107"), ("武汉市洪山区", "420111"),
    ("成都市锦江区", "510104"), ("成都市武侯区", "510107"), ("成都市郫都区", "510117"), ("成都市都江堰市", "510181"),
    ("成都市简阳市", "510185"), ("淮安市洪泽区", "320813"), ("北海市铁山港区", "450512"), ("天门市", "429006"),
    ("仙桃市", "429004"), ("潜江市", "429005"), ("济源市", "419001"), ("湖北省天门市", "429006"),
    ("巫山县", "500237"), ("微山县", "370826"), ("绥滨县", "230422"), ("桐柏县", "411330"), ("乌苏市", "654202"),
    ("娄烦县", "140123"), ("海淀区", "110108"), ("浦东新区", "310115"), ("龙岗区", "440307"), ("洪泽区", "320813"),
    ("福田区", "440304"), ("滨海新区", "120116"), ("渝中区", "500103"), ("郫都区", "510117"),
    ("六盘水市水城区", "520204"), ("水城区", "520204"),
]
# bare names of several divisions: the agency meant is the first, the table has others of the same name
AMBIGUOUS = [
    ("朝阳区", "110105"), ("鼓楼区", "320106"), ("江北区", "500105"), ("普陀区", "310107"), ("西湖区", "330106"),
    ("青山区", "420107"), ("和平区", "120101"), ("宝山区", "310113"), ("城关区", "540102"), ("新华区", "130105"),
]
TOWNS = [  # corpus names: (name, code of the county or None, level)
    ("巫山县巫峡镇人民政府", "500237", "乡镇街道"), ("巫峡镇人民政府", None, "乡镇街道"),
    ("阿戛镇人民政府", None, "乡镇街道"), ("水城区阿戛镇人民政府", "520204", "乡镇街道"),
    ("六盘水市水城区阿戛镇人民政府", "520204", "乡镇街道"), ("桐柏县埠江镇人民政府", "411330", "乡镇街道"),
    ("乌苏市西大沟镇人民政府", "654202", "乡镇街道"), ("娄烦县娄烦镇人民政府", "140123", "乡镇街道"),
    ("西咸新区底张街道办事处", None, "乡镇街道"), ("底张街道办事处", None, "乡镇街道"),
    ("微山县两城镇人民政府", "370826", "乡镇街道"), ("拖市鎮", None, "乡镇街道"),
    ("天门市拖市镇人民政府", "429006", "乡镇街道"), ("绥滨县连生乡人民政府", "230422", "乡镇街道"),
    ("连生乡人民政府", None, "乡镇街道"), ("上海市", "310000", "省级"), ("上海市政府", "310000", "省级"),
    ("石家庄市教育局", "130100", "部门"), ("区统计局", None, "部门"), ("國家機關事務管理局", None, "部门"),
    ("杨凌示范区审计局", None, "部门"), ("北海市铁山港区政府采购中心", "450512", "部门"),
    ("深圳市龙岗区教育局", "440307", "部门"),
]


def cases() -> list[tuple[str, str | None, str, int | None]]:
    """(name, true code or None, true level, year)."""
    out: list[tuple[str, str | None, str, int | None]] = []
    for name, code in PROVINCES:
        out += [(f"{name}人民政府", code, "省级", 2023), (f"{name}发展和改革委员会", code, "部门", 2023)]
    for name, code in CITIES:
        out += [(f"{name}人民政府", code, "市级", 2022), (f"{name}教育局", code, "部门", 2022),
                (f"{name}财政局", code, "部门", None)]
    for name, code in COUNTIES + AMBIGUOUS:
        out += [(f"{name}人民政府", code, "县级", 2024), (f"{name}卫生健康委员会", code, "部门", 2021)]
    out += [(n, c, lvl, 2024) for n, c, lvl in TOWNS]
    return out


def test_region_precision_on_real_agency_names(capsys: pytest.CaptureFixture[str]) -> None:
    all_cases = cases()
    assert len(all_cases) >= 300
    assigned = wrong = ambiguous = unknown = 0
    for name, code, level, year in all_cases:
        place = infer(name, year)
        assert place.level == level, (name, place)
        if place.code is not None:
            assigned += 1
            wrong += place.code != code
            assert place.code == code, (name, place)
        elif place.ambiguous:
            ambiguous += 1
            assert any(c.startswith(code or "?") for c in place.candidates), (name, place.candidates)
            assert "对应多个行政区划" in (place.note or "")
        else:
            unknown += 1
            assert code is None, (name, place)  # left unknown only when the name names no division
            assert place.note
    n = len(all_cases)
    with capsys.disabled():
        print(f"\n地区推定：{n} 个名称，赋码 {assigned}（错误 {wrong}，精确率 {(assigned - wrong) / assigned:.0%}），"
              f"同名多处未推定 {ambiguous}（{ambiguous / n:.1%}），无法推定 {unknown}（{unknown / n:.1%}）")
    assert wrong == 0 and ambiguous == 2 * len(AMBIGUOUS)


def test_departments_name_their_government() -> None:
    p = infer("深圳市龙岗区教育局", 2024)
    assert (p.parent, p.parent_level, p.region) == ("深圳市龙岗区人民政府", "县级", "广东省深圳市龙岗区")
    p = infer("广东省人民政府办公厅")
    assert (p.level, p.parent, p.parent_level, p.code) == ("部门", "广东省人民政府", "省级", "440000")
    assert infer("北京市市场监督管理局").parent == "北京市人民政府"


def test_ambiguous_names_list_candidates_and_never_guess() -> None:
    p = infer("朝阳区人民政府", 2024)
    assert p.code is None and p.level == "县级"
    assert p.candidates == ("110105 北京市朝阳区", "220104 吉林省长春市朝阳区")
    assert infer("长春市朝阳区人民政府").code == "220104"
    # a division that no longer existed that year is not matched
    assert infer("杭州市下城区人民政府", 2019).code == "330103"
    assert infer("杭州市下城区人民政府", 2023).code is None


def test_the_table_ships_with_its_source() -> None:
    head = DATA.read_text(encoding="utf-8").splitlines()[0]
    assert head == "code,level,name,parent,first_year,last_year"
    assert len(divisions()["巫山县"]) == 1 and divisions()["巫山县"][0].code == "500237"
    assert sum(len(v) for v in divisions().values()) > 3000


@given(st.text(alphabet="省市县区镇乡街道人民政府北京上海朝阳巫山甲乙[]/= ", max_size=30), st.one_of(
    st.none(), st.integers(1990, 2030)))
def test_infer_never_fails(name: str, year: int | None) -> None:
    p = infer(name, year)
    assert isinstance(p, Place)
    assert p.level is None or p.level in ("省级", "市级", "县级", "乡镇街道", "部门")
    assert p.code is None or not p.candidates or len(p.candidates) == 1
    key = name.replace(" ", "")
    chain, rest = leading_places(key)
    assert "".join(chain) + rest == key


def test_a_townships_county_from_the_report_text() -> None:
    from gongkai.pipeline import process_path
    from gongkai.region import infer_in_report
    from tests.store_support import CORPUS

    report = process_path(CORPUS / "excerpts" / "013_weishan_liangcheng_town_2020.txt").report
    text = "\n".join(s.text for s in report.sections)
    assert report.meta.agency == "两城镇人民政府" and infer(report.meta.agency, 2020).code is None
    p = infer_in_report(report.meta.agency, 2020, text)  # the report writes 微山县两城镇 (its address)
    assert (p.code, p.region, p.note) == ("370826", "山东省济宁市微山县", "所属县（区）取自报告正文“微山县两城镇”")
    # two different counties written before the same township: named, not chosen
    p = infer_in_report("城关镇人民政府", 2023, "巫山县城关镇……桐柏县城关镇")
    assert p.code is None and p.candidates == ("411330 河南省南阳市桐柏县", "500237 重庆市巫山县")
    assert infer_in_report("城关镇人民政府", 2023, "本镇位于城关镇中心").code is None
