#!/usr/bin/env python3
"""Generate a national-scale OCOP catalog in the Catalog/ YAML format, deterministically.

    python3 bench/generate.py                      # 20,000 products, 9,000 producers
    python3 bench/generate.py --products 200000    # the growth variant (producers scale along)

Writes OUT/Catalog/{producers,products}/*.yaml and OUT/Media/products/*.png (a handful of the demo
PNGs, copied), so that `ocop import OUT/Catalog --media-dir OUT/Media` loads it, and
`tools/check-catalog.py --root OUT` checks it the same way as the demo catalog. OUT defaults to
bench/data/catalog-<N/1000>k. The same seed and counts give byte-identical files.

The data is synthetic: Vietnamese product names built from common OCOP product kinds and the 2025
communes, stories assembled from sentence templates (600-1,500 characters), stars skewed as in the
national programme (~74% 3★, ~24% 4★, <2% 5★), a few expired or revoked certificates. Dates are
fixed (not relative to today) so the files never change; certificates in force are issued from
2024-03 on and run 36 months, so the published share stays stable until 2027.
"""
import argparse
import calendar
import csv
import datetime
import json
import os
import random
import re
import shutil
import sys
import textwrap
import unicodedata
from collections import Counter

try:
    import yaml  # PyYAML: only used to check a sample of what we wrote parses back to the same data
except ImportError:  # pragma: no cover
    sys.exit("generate.py: PyYAML is required (pip install pyyaml, or apt-get install python3-yaml)")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCALITIES = os.path.join(ROOT, "Sources/OCOPDomain/Resources/localities-2025.csv")
DEMO_MEDIA = os.path.join(ROOT, "Media/products")

# --------------------------------------------------------------------------- vocabulary
# Per classification leaf: a weight (share of national OCOP products, roughly: food dominates) and
# product kinds as (Vietnamese name, English name, [(package label, grams, base price VND)]).
PACK_FOOD = [("túi 500g", 520, 60000), ("hộp 1kg", 1050, 110000), ("hộp quà 2kg", 2150, 230000)]
PACK_SMALL = [("gói 200g", 220, 45000), ("hộp 500g", 530, 95000), ("hộp quà 1kg", 1080, 180000)]
PACK_BOTTLE = [("chai 500ml", 700, 85000), ("chai 750ml", 1000, 150000), ("hộp 2 chai", 2100, 320000)]
PACK_PIECE = [("1 chiếc", 900, 250000), ("bộ 2 chiếc", 1800, 480000), ("hộp quà", 1500, 650000)]
PACK_PLANT = [("chậu nhỏ", 3000, 180000), ("chậu lớn", 9000, 650000)]
PACK_TOUR = [("vé 1 người", 50, 350000), ("gói 2 ngày 1 đêm", 50, 1200000)]

LEAVES = {
    "I.1.a": (9, PACK_FOOD, ["Cam sành", "Bưởi da xanh", "Vải thiều", "Nhãn lồng", "Xoài cát Hòa Lộc",
                             "Thanh long ruột đỏ", "Khoai lang mật", "Hồng không hạt", "Mận hậu", "Na dai",
                             "Chuối tiêu hồng", "Sầu riêng", "Măng cụt", "Chanh leo", "Dưa lưới", "Bơ sáp"]),
    "I.1.b": (5, PACK_FOOD, ["Gà đồi", "Thịt lợn đen", "Trứng gà ta", "Tôm càng xanh", "Cá rô đồng",
                             "Sữa bò tươi", "Vịt bầu", "Thịt bò vàng", "Cua đồng", "Ốc hương"]),
    "I.2.a": (6, PACK_FOOD, ["Gạo ST25", "Gạo nếp cái hoa vàng", "Gạo Séng Cù", "Gạo tám thơm", "Hạt điều rang",
                             "Lạc đỏ", "Đậu tương", "Hạt mắc ca", "Gạo lứt đỏ", "Gạo nếp nương"]),
    "I.2.b": (7, PACK_SMALL, ["Mật ong rừng", "Mật ong hoa nhãn", "Mật ong bạc hà", "Mật mía", "Tinh bột nghệ",
                              "Mộc nhĩ", "Nấm hương rừng", "Hạt tiêu đen", "Quế khô", "Hoa hồi"]),
    "I.3.a": (2, PACK_SMALL, ["Phở khô", "Miến dong", "Bún khô", "Mì gạo", "Cháo ăn liền", "Bánh đa cua ăn liền"]),
    "I.3.b": (6, PACK_SMALL, ["Bánh chưng", "Bánh tét", "Bánh đa nem", "Cốm làng Vòng", "Bánh gai", "Bánh cáy",
                              "Bánh tráng", "Bánh cuốn khô", "Bánh pía", "Kẹo dồi"]),
    "I.3.c": (6, PACK_SMALL, ["Ô mai mơ", "Mứt gừng", "Chuối sấy dẻo", "Mít sấy", "Xoài sấy", "Hồng treo gió",
                              "Dưa cải muối", "Cà pháo muối", "Mứt sen", "Vải sấy khô"]),
    "I.3.d": (7, PACK_SMALL, ["Giò lụa", "Chả mực", "Ruốc tôm", "Lạp xưởng", "Thịt trâu gác bếp", "Nem chua",
                              "Cá khô", "Mực một nắng", "Tôm khô", "Chà bông cá hồi"]),
    "I.4.a": (4, PACK_BOTTLE, ["Nước mắm cốt", "Tương bần", "Tương ớt", "Mắm tôm", "Mắm tép", "Giấm gạo",
                               "Nước mắm nhĩ"]),
    "I.4.b": (3, PACK_SMALL, ["Muối tôm", "Ớt bột", "Hạt dổi", "Mắc khén", "Muối ớt xanh", "Sả khô", "Tỏi cô đơn"]),
    "I.5.a": (6, PACK_SMALL, ["Chè Shan tuyết", "Chè Tân Cương", "Chè búp", "Trà ô long", "Chè xanh", "Trà sen",
                              "Chè móc câu"]),
    "I.5.b": (4, PACK_SMALL, ["Trà atiso", "Trà gừng", "Trà hoa cúc", "Trà dây", "Trà giảo cổ lam",
                              "Trà cà gai leo", "Trà hoa vàng", "Trà mãng cầu"]),
    "I.6": (3, PACK_SMALL, ["Cà phê Robusta", "Cà phê Arabica", "Bột ca cao", "Sô cô la ca cao",
                            "Cà phê hạt rang mộc"]),
    "II.1.a": (3, PACK_BOTTLE, ["Rượu nếp cái hoa vàng", "Rượu ngô men lá", "Rượu cần", "Rượu Bàu Đá",
                                "Rượu làng Vân", "Rượu gạo lứt", "Rượu San Lùng"]),
    "II.1.b": (2, PACK_BOTTLE, ["Rượu vang nho", "Rượu sim", "Rượu mơ", "Rượu táo mèo", "Rượu chuối hột",
                                "Rượu vang thanh long"]),
    "II.2.a": (1, PACK_BOTTLE, ["Nước khoáng thiên nhiên", "Nước uống đóng chai", "Nước suối khoáng"]),
    "II.2.b": (2, PACK_BOTTLE, ["Nước cốt chanh leo", "Nước ép cam", "Sữa đậu nành", "Nước dừa đóng chai",
                                "Siro dâu tằm", "Nước mía đóng chai"]),
    "III.1": (3, PACK_SMALL, ["Cao atiso", "Cao ích mẫu", "Viên tinh nghệ mật ong", "Cao cà gai leo",
                              "Đông trùng hạ thảo", "Sâm dây", "Cao xương khớp"]),
    "III.2": (2, PACK_BOTTLE, ["Xà phòng thảo dược", "Dầu gội bồ kết", "Son môi từ gấc", "Kem nghệ",
                               "Sữa tắm thảo mộc"]),
    "III.3": (3, PACK_BOTTLE, ["Tinh dầu sả chanh", "Tinh dầu quế", "Tinh dầu tràm", "Tinh dầu bưởi",
                               "Tinh dầu hồi", "Dược liệu khô"]),
    "IV.1": (5, PACK_PIECE, ["Gốm Bát Tràng", "Mây tre đan", "Nón lá", "Chiếu cói", "Tranh sơn mài",
                             "Tranh Đông Hồ", "Đồ gỗ mỹ nghệ", "Gốm Chu Đậu", "Giỏ lục bình", "Đèn lồng"]),
    "IV.2": (2, PACK_PIECE, ["Thổ cẩm", "Lụa tơ tằm", "Khăn lanh", "Áo dài lụa", "Túi thổ cẩm", "Vải lanh"]),
    "V.1": (1, PACK_PLANT, ["Hoa lan hồ điệp", "Hoa đào", "Hoa cúc", "Hoa hồng", "Hoa sen", "Hoa ly"]),
    "V.2": (1, PACK_PLANT, ["Mai vàng", "Cây cảnh bonsai", "Quất cảnh", "Mai chiếu thủy", "Tùng la hán"]),
    "V.3": (1, PACK_PLANT, ["Cá betta", "Cá koi", "Chim chào mào", "Cá chép cảnh", "Cá vàng"]),
    "VI.1": (4, PACK_TOUR, ["Homestay cộng đồng", "Du lịch sinh thái", "Điểm du lịch làng nghề",
                            "Tour trải nghiệm nông nghiệp", "Khu du lịch cộng đồng"]),
}
# English names for some kinds; products of other kinds have a Vietnamese name only (API falls back to vi).
ENGLISH = {"Cam sành": "King orange", "Bưởi da xanh": "Green-skin pomelo", "Vải thiều": "Thieu lychee",
           "Gạo ST25": "ST25 rice", "Mật ong rừng": "Wild honey", "Chè Shan tuyết": "Shan Tuyet tea",
           "Nước mắm cốt": "First-press fish sauce", "Cà phê Robusta": "Robusta coffee",
           "Gốm Bát Tràng": "Bat Trang ceramics", "Lụa tơ tằm": "Silk", "Tinh dầu quế": "Cinnamon essential oil",
           "Trà atiso": "Artichoke tea", "Rượu nếp cái hoa vàng": "Yellow-flower sticky rice spirit",
           "Nón lá": "Palm-leaf conical hat", "Mai vàng": "Yellow apricot blossom tree"}
QUALIFIERS = ["", "", "", "", "đặc biệt", "hữu cơ", "loại 1", "thượng hạng", "truyền thống", "cao cấp", "tự nhiên"]
STANDARDS = ["VietGAP", "HACCP", "ISO 22000", "organic", "TCCS", "GlobalGAP", "ISO 9001"]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
            "Ngô", "Dương", "Lý", "Lò", "Hà", "Triệu", "Vàng"]
MIDDLES = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Quang", "Thu", "Xuân"]
GIVEN = ["An", "Bình", "Chiến", "Dũng", "Đào", "Giang", "Hà", "Hạnh", "Hùng", "Hương", "Khánh", "Lan", "Linh",
         "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Yến", "Độ", "Tài"]
TRADES = ["Nông sản sạch", "Đặc sản", "Thảo dược", "Thủ công", "Chè", "Mật ong", "Nông nghiệp xanh", "Thực phẩm",
          "Dược liệu", "Làng nghề", "Sinh thái", "Quê hương", "Hương Việt", "Tây Bắc", "Miền Tây"]
HAMLETS = ["Thôn", "Bản", "Ấp", "Xóm", "Tổ dân phố", "Khu phố"]
HAMLET_NAMES = ["Đông", "Tây", "Nam", "Bắc", "Trung", "Tân Lập", "Hòa Bình", "Thống Nhất", "Quyết Tiến", "Bình An",
                "Phú Lợi", "Đồng Tâm", "Vĩnh Chính", "Nà Lầu", "Pác Bó", "Hạ", "Thượng", "Mới"]
PRODUCER_TYPES = [("enterprise", 20), ("cooperative", 40), ("cooperative_group", 10), ("household_business", 30)]

# Story sentences: {kind} product kind, {place} commune, {province}, {producer}, {year}, {n} a count,
# {months} a number of months. Mixed so every story reads differently but stays plausible.
STORY = [
    "{Kind} là sản phẩm gắn bó lâu đời với người dân {place}, tỉnh {province}.",
    "Từ năm {year}, {producer} tổ chức lại sản xuất theo chuỗi giá trị, liên kết với {n} hộ dân trong vùng.",
    "Nguyên liệu được chọn lọc kỹ từ những vườn đồi, ruộng đồng quanh {place}, nơi khí hậu và thổ nhưỡng rất riêng.",
    "Mỗi mẻ sản phẩm đều được ghi nhật ký canh tác, từ khâu gieo trồng, chăm sóc đến thu hoạch và sơ chế.",
    "Quy trình làm ra sản phẩm kết hợp kinh nghiệm truyền thống của các nghệ nhân với máy móc hiện đại.",
    "Sản phẩm được đóng gói tại xưởng của cơ sở, có tem truy xuất nguồn gốc để người mua biết rõ vùng nguyên liệu.",
    "Người tiêu dùng ưa chuộng {kind} nhờ chất lượng ổn định, mẫu mã đẹp và nguồn gốc rõ ràng.",
    "Năm {year}, sản phẩm được Hội đồng đánh giá OCOP cấp tỉnh chấm điểm và công nhận, mở ra nhiều cơ hội tiêu thụ mới.",
    "Hiện {kind} đã có mặt tại các điểm giới thiệu sản phẩm OCOP, siêu thị và sàn thương mại điện tử trong nước.",
    "Phụ nữ và thanh niên địa phương có thêm việc làm ổn định, thu nhập bình quân tăng rõ rệt so với trồng trọt đơn thuần.",
    "Cơ sở đặt mục tiêu mở rộng vùng nguyên liệu thêm {n} héc-ta và nâng hạng sản phẩm trong những năm tới.",
    "Bao bì được thiết kế lại với hình ảnh núi rừng, sông nước quê hương, phù hợp làm quà biếu dịp lễ Tết.",
    "Du khách đến {place} có thể tham quan vườn, xưởng sản xuất và trực tiếp trải nghiệm các công đoạn làm {kind}.",
    "Câu chuyện sản phẩm gắn với ký ức của nhiều thế hệ, khi {kind} từng là món quà quý dành cho khách phương xa.",
    "Nhờ tham gia chương trình Mỗi xã một sản phẩm, {producer} được hỗ trợ về đào tạo, xúc tiến thương mại và chuyển đổi số.",
    "Đơn vị đã đăng ký nhãn hiệu, mã số mã vạch và công bố chất lượng sản phẩm theo đúng quy định hiện hành.",
    "Đặc biệt, mọi công đoạn đều do người dân địa phương thực hiện, giữ được nét đặc trưng văn hóa của đồng bào nơi đây.",
    "Mỗi năm, cơ sở cung ứng ra thị trường khoảng {n} tấn sản phẩm, doanh thu tăng đều qua các vụ.",
    "Khách hàng ở Hà Nội, Đà Nẵng và Thành phố Hồ Chí Minh thường đặt hàng trước để có {kind} đúng vụ.",
    "Thương hiệu {Kind} {place} đang dần khẳng định vị thế trên bản đồ đặc sản vùng miền của Việt Nam.",
    "Nhiều hộ thành viên đã xây được nhà mới, cho con em đi học đầy đủ nhờ nguồn thu ổn định từ sản phẩm.",
    "Cơ sở cam kết không ép giá người trồng, thu mua theo giá sàn và chia sẻ lợi nhuận cuối năm.",
]
# Only for food, drinks and herbal products (sectors I-III).
STORY_FOOD = [
    "Sản phẩm không dùng chất bảo quản, hạn sử dụng {months} tháng khi bảo quản nơi khô ráo, thoáng mát.",
    "Sản phẩm đạt các chỉ tiêu kiểm nghiệm về vi sinh, kim loại nặng và dư lượng thuốc bảo vệ thực vật.",
    "Người dùng khen {kind} có hương vị đậm đà, màu sắc tự nhiên, ăn một lần là nhớ mãi.",
    "Khâu sơ chế và chế biến được kiểm soát chặt chẽ, bảo đảm vệ sinh an toàn thực phẩm theo quy định.",
]
DESCRIPTION = [
    "{Kind} của {producer}, sản xuất tại {place}, tỉnh {province}.",
    "{Kind} đặc sản {place}, chất lượng ổn định, đóng gói tiện lợi.",
    "Sản phẩm OCOP {kind} từ {place}, được người mua tin dùng qua nhiều năm.",
]
REVOCATION_REASONS = ["Vi phạm quy định về ghi nhãn hàng hóa", "Không duy trì chất lượng như hồ sơ đánh giá",
                      "Chủ thể ngừng sản xuất sản phẩm", "Sử dụng sai biểu trưng OCOP trên bao bì"]
MINISTRY_OLD = "Bộ Nông nghiệp và Phát triển nông thôn"
MINISTRY_NEW = "Bộ Nông nghiệp và Môi trường"
MINISTRY_RENAMED = datetime.date(2025, 7, 1)


# --------------------------------------------------------------------------- helpers
def fold(text):
    """Lowercase ASCII without diacritics (đ -> d), as the service folds for search and slugs."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def slugify(text):
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def gtin13(body12):
    digits = [int(c) for c in body12]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return body12 + str(check)


def q(text):
    """A YAML double-quoted scalar (JSON's escapes are a subset of YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def folded(key, text, indent):
    """`key: >-` and the text wrapped below it, like the hand-written catalog."""
    pad = " " * (indent + 2)
    lines = textwrap.wrap(text, width=96, break_long_words=False, break_on_hyphens=False)
    return [f"{' ' * indent}{key}: >-"] + [pad + line for line in lines]


def random_date(rng, start, end):
    return start + datetime.timedelta(days=rng.randrange((end - start).days + 1))


def add_months(d, months):
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    return datetime.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def load_localities():
    provinces, communes = {}, {}
    with open(LOCALITIES, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            provinces[row["province_code"]] = (row["province_name"], row["province_type"])
            communes.setdefault(row["province_code"], []).append((row["commune_code"], row["commune_name"].strip()))
    return provinces, communes


def short_place(name):
    for prefix in ("Thành phố ", "Phường ", "Xã ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def authority(province_name, province_type):
    if province_type.startswith("thành phố"):
        return "UBND thành phố " + short_place(province_name)
    return "UBND tỉnh " + province_name


def story(rng, fill, food, low=600, high=1500):
    """Sentences picked without repetition until the text is between low and high characters."""
    target = rng.randrange(low + 100, high - 100)
    pool = STORY[1:] + (STORY_FOOD if food else [])
    rng.shuffle(pool)
    text = fill(STORY[0])  # every story opens with the product and its place
    for template in pool:
        sentence = fill(template)
        if len(text) + 1 + len(sentence) > high:
            continue
        text += " " + sentence
        if len(text) >= target:
            break
    assert low <= len(text) <= high, len(text)
    return text


# --------------------------------------------------------------------------- generation
def make_producers(rng, count, provinces, communes):
    codes = sorted(provinces)
    # Bigger provinces (more communes) have more producers, as in the national lists.
    weights = [len(communes[c]) for c in codes]
    types = [t for t, _ in PRODUCER_TYPES]
    type_weights = [w for _, w in PRODUCER_TYPES]
    producers = []
    for i in range(count):
        prov = rng.choices(codes, weights)[0]
        commune_code, commune_name = rng.choice(communes[prov])
        place = short_place(commune_name)
        kind = rng.choices(types, type_weights)[0]
        person = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVEN)}"
        trade = rng.choice(TRADES)
        name = {
            "enterprise": f"Công ty TNHH {trade} {place}",
            "cooperative": f"HTX {trade} {place}",
            "cooperative_group": f"Tổ hợp tác {trade} {place}",
            "household_business": f"Hộ kinh doanh {person}",
        }[kind]
        producers.append({
            "slug": f"{slugify(name)}-{i + 1}",
            "name": name,
            "type": kind,
            "registration_number": f"{rng.randrange(10**9, 10**10)}",
            "representative": person,
            "phone": "0" + rng.choice("35789") + f"{rng.randrange(10**8):08d}",
            "address": f"{rng.choice(HAMLETS)} {rng.choice(HAMLET_NAMES)}",
            "province": prov,
            "commune": commune_code,
            "place": place,
            "story": f"{name} ở {commune_name}, {provinces[prov][0]}, thành lập năm {rng.randrange(2005, 2022)} "
                     f"với {rng.randrange(5, 200)} thành viên, chuyên sản xuất và chế biến sản phẩm đặc sản địa phương.",
        })
    return producers


def producer_yaml(p):
    lines = [
        "# Synthetic benchmark data (bench/generate.py): every name, number and story is made up.",
        f"slug: {p['slug']}",
        f"name: {q(p['name'])}",
        f"type: {p['type']}",
        f"registration_number: {q(p['registration_number'])}",
        f"representative: {q(p['representative'])}",
        f"phone: {q(p['phone'])}",
        f"address: {q(p['address'])}",
        f"province: {q(p['province'])}",
        f"commune: {q(p['commune'])}",
        "story:",
    ]
    lines += folded("vi", p["story"], 2)
    return "\n".join(lines) + "\n"


def certificates(rng, province):
    """A product's certificate history, drawn to the national skew; returns (list, status)."""
    prov_name, prov_type = province

    def cert(stars, issued, **extra):
        band = {1: (10, 29), 2: (30, 49), 3: (50, 69), 4: (70, 89), 5: (90, 100)}[stars]
        if stars == 5:
            auth = MINISTRY_NEW if issued >= MINISTRY_RENAMED else MINISTRY_OLD
        else:
            auth = authority(prov_name, prov_type)
        c = {
            "number": f"{rng.randrange(1, 3000)}/{issued.year}/GCN-{'BNN' if stars == 5 else 'UBND'}",
            "decision_number": f"{rng.randrange(100, 9000)}/QĐ-{'BNN' if stars == 5 else 'UBND'}",
            "authority": auth,
            "stars": stars,
            "score": rng.randrange(band[0], band[1] + 1),
            "issued_on": issued,
        }
        if stars == 4 and rng.random() < 0.1:
            c["potential_five_star"] = True
        c.update(extra)
        return c

    draw = rng.random()
    current = rng.random()
    stars = 3 if current < 0.74 else 4 if current < 0.985 else 5
    issued = random_date(rng, datetime.date(2024, 3, 1), datetime.date(2026, 9, 30))
    if draw < 0.04:  # expired: certified in 2020-2022, never renewed
        old = random_date(rng, datetime.date(2020, 1, 1), datetime.date(2022, 10, 31))
        return [cert(stars, old)], "expired"
    if draw < 0.055:  # revoked after an inspection
        revoked = issued + datetime.timedelta(days=rng.randrange(30, 200))
        revoked = min(revoked, datetime.date(2026, 10, 31))
        return [cert(stars, issued, revoked_on=revoked, revocation_reason=rng.choice(REVOCATION_REASONS))], "revoked"
    if draw < 0.06:  # evaluated, below OCOP
        return [cert(2, issued)], "2-star"
    history = []
    if draw < 0.15:  # renewed: the old certificate ran out before the current one was issued
        old = add_months(issued, -40)
        history.append(cert(3, old))
    history.append(cert(stars, issued))
    return history, f"{stars}-star"


def make_product(rng, index, producer, provinces, media_files):
    leaves = list(LEAVES)
    group = rng.choices(leaves, [LEAVES[g][0] for g in leaves])[0]
    _, packs, kinds = LEAVES[group]
    kind = rng.choice(kinds)
    place = producer["place"]
    prov_name = provinces[producer["province"]][0]
    qualifier = rng.choice(QUALIFIERS)
    name = " ".join(x for x in (kind, place, qualifier) if x)
    slug = f"{slugify(name)}-{index + 1}"

    def fill(t):
        return t.format(Kind=kind, kind=kind[0].lower() + kind[1:], place=place, province=short_place(prov_name), producer=producer["name"],
                        year=rng.randrange(2012, 2025), n=rng.randrange(10, 300), months=rng.randrange(6, 25))

    certs, status = certificates(rng, provinces[producer["province"]])
    first_issued = min(c["issued_on"] for c in certs)
    variants = []
    for k, (label, grams, price) in enumerate(packs[: rng.randrange(1, len(packs) + 1)]):
        v = {"sku": f"B{index + 1:06d}-{k + 1}", "label": label,
             "price": int(price * rng.uniform(0.7, 1.6)) // 1000 * 1000, "weight_grams": grams}
        if rng.random() < 0.5:
            v["gtin"] = gtin13(f"893{(index * 4 + k) % 10**9:09d}")
        variants.append(v)
    media = [rng.choice(media_files) for _ in range(rng.randrange(0, 3))]
    return {
        "slug": slug,
        "name_vi": name,
        "name_en": f"{ENGLISH[kind]} from {fold(place).title()}" if kind in ENGLISH else None,
        "producer": producer["slug"],
        "group": group,
        "province": producer["province"],
        "commune": producer["commune"],
        "listed_on": first_issued + datetime.timedelta(days=rng.randrange(5, 60)),
        "standards": sorted(rng.sample(STANDARDS, rng.randrange(0, 3))),
        "description": fill(rng.choice(DESCRIPTION)),
        "story": story(rng, fill, food=group.split(".")[0] in ("I", "II", "III")),
        "variants": variants,
        "media": media,
        "certificates": certs,
        "status": status,
    }


def product_yaml(p):
    lines = [
        "# Synthetic benchmark data (bench/generate.py): every name, number and story is made up.",
        f"slug: {p['slug']}",
        "name:",
        f"  vi: {q(p['name_vi'])}",
    ]
    if p["name_en"]:
        lines.append(f"  en: {q(p['name_en'])}")
    lines += [
        f"producer: {p['producer']}",
        f"group: {p['group']}",
        f"province: {q(p['province'])}",
        f"commune: {q(p['commune'])}",
        f"listed_on: {p['listed_on']}",
        "standards: [" + ", ".join(q(s) for s in p["standards"]) + "]",
        "description:",
        *folded("vi", p["description"], 2),
        "story:",
        *folded("vi", p["story"], 2),
        "variants:",
    ]
    for v in p["variants"]:
        lines += [f"  - sku: {v['sku']}", f"    label: {q(v['label'])}", f"    price: {v['price']}",
                  f"    weight_grams: {v['weight_grams']}"]
        if "gtin" in v:
            lines.append(f"    gtin: {q(v['gtin'])}")
    if p["media"]:
        lines.append("media:")
        for f in p["media"]:
            lines += [f"  - file: {f}", "    alt:", f"      vi: {q('Hình minh họa ' + p['name_vi'])}"]
    else:
        lines.append("media: []")
    lines.append("certificates:")
    for c in p["certificates"]:
        lines += [f"  - number: {q(c['number'])}", f"    decision_number: {q(c['decision_number'])}",
                  f"    authority: {q(c['authority'])}", f"    stars: {c['stars']}", f"    score: {c['score']}",
                  f"    issued_on: {c['issued_on']}"]
        if c.get("potential_five_star"):
            lines.append("    potential_five_star: true")
        if "revoked_on" in c:
            lines += [f"    revoked_on: {c['revoked_on']}", f"    revocation_reason: {q(c['revocation_reason'])}"]
    return "\n".join(lines) + "\n"


def check_sample(out, producers, products):
    """Parse a sample back with PyYAML: the emitter must round-trip names and stories exactly."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for p in products[:: max(1, len(products) // 200)]:
        with open(os.path.join(out, "Catalog/products", p["slug"] + ".yaml"), encoding="utf-8") as f:
            doc = yaml.load(f, Loader=loader)
        assert doc["name"]["vi"] == p["name_vi"] and doc["story"]["vi"] == p["story"], p["slug"]
        assert doc["province"] == p["province"] and doc["commune"] == p["commune"], p["slug"]
        assert doc["certificates"][-1]["issued_on"] == p["certificates"][-1]["issued_on"], p["slug"]
    for p in producers[:: max(1, len(producers) // 100)]:
        with open(os.path.join(out, "Catalog/producers", p["slug"] + ".yaml"), encoding="utf-8") as f:
            doc = yaml.load(f, Loader=loader)
        assert doc["name"] == p["name"] and doc["story"]["vi"] == p["story"], p["slug"]


def write_tree(out, files):
    """Writes {relative path: text}, replacing the folder so removed products do not linger."""
    if os.path.isdir(os.path.join(out, "Catalog")):
        shutil.rmtree(os.path.join(out, "Catalog"))
    for sub in ("Catalog/producers", "Catalog/products", "Media/products"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    for rel, text in files:
        with open(os.path.join(out, rel), "w", encoding="utf-8") as f:
            f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--products", type=int, default=20000)
    ap.add_argument("--producers", type=int, help="default: 9,000 per 20,000 products")
    ap.add_argument("--seed", type=int, default=20251)
    ap.add_argument("--out", help="default: bench/data/catalog-<N/1000>k")
    args = ap.parse_args()
    n_producers = args.producers or max(1, round(args.products * 9000 / 20000))
    out = args.out or os.path.join(ROOT, "bench/data", f"catalog-{args.products // 1000}k")

    rng = random.Random(args.seed)
    provinces, communes = load_localities()

    # A handful of small demo PNGs, copied so the data folder is self-contained.
    os.makedirs(os.path.join(out, "Media/products"), exist_ok=True)
    demo = sorted(f for f in os.listdir(DEMO_MEDIA) if f.endswith(".png"))[:6]
    media_files = []
    for i, name in enumerate(demo):
        shutil.copyfile(os.path.join(DEMO_MEDIA, name), os.path.join(out, "Media/products", f"bench-{i + 1}.png"))
        media_files.append(f"products/bench-{i + 1}.png")

    producers = make_producers(rng, n_producers, provinces, communes)
    # Every producer has at least one product; the rest go to a skewed few (big cooperatives).
    owners = list(range(min(n_producers, args.products)))
    owners += [min(int(rng.paretovariate(1.2)) - 1, n_producers - 1) if rng.random() < 0.3
               else rng.randrange(n_producers) for _ in range(args.products - len(owners))]
    rng.shuffle(owners)
    products = [make_product(rng, i, producers[o], provinces, media_files) for i, o in enumerate(owners)]

    files = [(f"Catalog/producers/{p['slug']}.yaml", producer_yaml(p)) for p in producers]
    files += [(f"Catalog/products/{p['slug']}.yaml", product_yaml(p)) for p in products]
    write_tree(out, files)
    check_sample(out, producers, products)

    status = Counter(p["status"] for p in products)
    current = [p["certificates"][-1]["stars"] for p in products if p["status"].endswith("-star") and p["status"] != "2-star"]
    stars = Counter(current)
    manifest = {
        "seed": args.seed, "products": len(products), "producers": len(producers),
        "provinces": len({p["province"] for p in producers}), "leaves": len({p["group"] for p in products}),
        "sectors": len({p["group"].split(".")[0] for p in products}),
        "status": dict(sorted(status.items())),
        "stars_share_of_certified": {k: round(v / len(current), 4) for k, v in sorted(stars.items())},
        "story_chars": [min(len(p["story"]) for p in products), max(len(p["story"]) for p in products)],
    }
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=1)
    print(json.dumps(manifest, ensure_ascii=False))


if __name__ == "__main__":
    main()
