#!/usr/bin/env python3
"""Check the demo catalog in Catalog/ (and the images it names in Media/).

Needs PyYAML (`pip install pyyaml`, or Debian `python3-yaml`).

    python3 tools/check-catalog.py [--root REPO] [--today YYYY-MM-DD] [--localities CSV]

Mirrors the rules of `ocop import` (see Catalog/README.md): strict keys, slug = file name,
producer references, leaf group codes, 2025 locality codes with the commune inside the province,
star bands vs score, certificate dates, GTIN-13 check digits, unique SKUs, media files exist.
Prints errors as `file:line: field: reason` and exits 1 if there are any; then prints counts.
"""
import argparse
import calendar
import csv
import datetime
import os
import re
import sys
from collections import Counter

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("check-catalog: PyYAML is required (pip install pyyaml)")

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SKU_RE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
PHONE_RE = re.compile(r"^0\d{9}$")
PRODUCER_TYPES = {"enterprise", "cooperative", "cooperative_group", "household_business"}
MINISTRY_OLD = "Bộ Nông nghiệp và Phát triển nông thôn"
MINISTRY_NEW = "Bộ Nông nghiệp và Môi trường"
MINISTRY_RENAMED = datetime.date(2025, 7, 1)
FALLBACK_LEAVES = """I.1.a I.1.b I.2.a I.2.b I.3.a I.3.b I.3.c I.3.d I.4.a I.4.b I.5.a I.5.b I.6
II.1.a II.1.b II.2.a II.2.b III.1 III.2 III.3 IV.1 IV.2 V.1 V.2 V.3 VI.1""".split()

PRODUCER_KEYS = {
    "slug": True, "name": True, "type": True, "registration_number": True, "representative": True,
    "phone": True, "address": True, "province": True, "commune": True, "story": True,
}
PRODUCT_KEYS = {
    "slug": True, "name": True, "producer": True, "group": True, "province": True, "commune": True,
    "listed_on": True, "standards": True, "description": True, "story": True, "variants": True,
    "media": True, "certificates": True,
}
VARIANT_KEYS = {"sku": True, "label": True, "price": True, "weight_grams": True, "gtin": False}
MEDIA_KEYS = {"file": True, "alt": True}
CERT_KEYS = {
    "number": True, "decision_number": True, "authority": True, "stars": True, "score": True,
    "issued_on": True, "expires_on": False, "potential_five_star": False, "revoked_on": False,
    "revocation_reason": False, "legal_basis": False,
}
TEXT_KEYS = {"vi": True, "en": False}


def add_months(d, months):
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    return datetime.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def star_band(score):
    if score < 30:
        return 1
    if score < 50:
        return 2
    if score < 70:
        return 3
    if score < 90:
        return 4
    return 5


def gtin_ok(g):
    if not re.fullmatch(r"\d{13}", g):
        return False
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(g[:12]))
    return (10 - s % 10) % 10 == int(g[12])


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_date(v):
    return isinstance(v, datetime.date) and not isinstance(v, datetime.datetime)


class Doc:
    """A loaded YAML file plus its node tree, to report line numbers for a path."""

    def __init__(self, path, rel):
        self.path, self.rel = path, rel
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.node = yaml.compose(text)
        self.data = yaml.safe_load(text)

    def line(self, *path):
        node, best = self.node, 1
        if node is not None:
            best = node.start_mark.line + 1
        for key in path:
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for k, v in node.value:
                    if k.value == key:
                        best, nxt = k.start_mark.line + 1, v
                        break
                node = nxt
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
                best = node.start_mark.line + 1
            else:
                node = None
            if node is None:
                break
        return best


class Checker:
    def __init__(self, root, today, localities_csv):
        self.root, self.today = root, today
        self.errors = []
        self.provinces, self.communes = self.load_localities(localities_csv)
        self.leaves = self.load_leaves()

    # ------------------------------------------------------------------ reference data
    def load_localities(self, path):
        provinces, communes = {}, {}
        with open(path, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                provinces[row["province_code"]] = row["province_name"]
                communes[row["commune_code"]] = (row["province_code"], row["commune_name"].strip())
        return provinces, communes

    def load_leaves(self):
        path = os.path.join(self.root, "Sources/OCOPDomain/Resources/classification-148-2023.csv")
        if not os.path.exists(path):
            return set(FALLBACK_LEAVES)
        with open(path, encoding="utf-8") as f:
            codes = [r["code"] for r in csv.DictReader(f)]
        return {c for c in codes if not any(o.startswith(c + ".") for o in codes)}

    # ------------------------------------------------------------------ helpers
    def err(self, doc, path, field, reason):
        self.errors.append(f"{doc.rel}:{doc.line(*path)}: {field}: {reason}")

    def keys(self, doc, path, obj, spec, label):
        if not isinstance(obj, dict):
            self.err(doc, path, label, "must be a mapping")
            return False
        for k in obj:
            if k not in spec:
                self.err(doc, path + (k,), f"{label}.{k}" if label else k, "unknown key")
        for k, required in spec.items():
            if required and k not in obj:
                self.err(doc, path, f"{label}.{k}" if label else k, "missing required key")
        return True

    def text(self, doc, path, obj, label, required=True):
        if obj is None and not required:
            return
        if isinstance(obj, str):
            self.err(doc, path, label, "must be a mapping with vi (and optional en)")
            return
        if not self.keys(doc, path, obj, TEXT_KEYS, label):
            return
        for lang, v in obj.items():
            if lang in TEXT_KEYS and (not isinstance(v, str) or not v.strip()):
                self.err(doc, path + (lang,), f"{label}.{lang}", "must be a non-empty string")

    def string(self, doc, obj, key, pattern=None, reason=None):
        v = obj.get(key)
        if not isinstance(v, str) or not v.strip():
            self.err(doc, (key,), key, "must be a non-empty string (quote codes and numbers)")
            return None
        if pattern and not re.fullmatch(pattern, v):
            self.err(doc, (key,), key, reason or f"must match {pattern}")
        return v

    def locality(self, doc, obj):
        prov = self.string(doc, obj, "province", r"\d{2}", "must be a quoted 2-digit province code")
        com = self.string(doc, obj, "commune", r"\d{5}", "must be a quoted 5-digit commune code")
        if prov and prov not in self.provinces:
            self.err(doc, ("province",), "province", f"unknown province code {prov} (2025 list)")
        if com:
            if com not in self.communes:
                self.err(doc, ("commune",), "commune", f"unknown commune code {com} (2025 list)")
            elif prov and self.communes[com][0] != prov:
                self.err(doc, ("commune",), "commune",
                         f"{com} ({self.communes[com][1]}) belongs to province {self.communes[com][0]}, not {prov}")

    def load_dir(self, sub):
        d = os.path.join(self.root, "Catalog", sub)
        docs = []
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if name.startswith("."):
                continue
            rel = f"Catalog/{sub}/{name}"
            if not name.endswith(".yaml"):
                self.errors.append(f"{rel}:1: file: only .yaml files are allowed here")
                continue
            try:
                doc = Doc(os.path.join(d, name), rel)
            except yaml.YAMLError as e:
                mark = getattr(e, "problem_mark", None)
                self.errors.append(f"{rel}:{mark.line + 1 if mark else 1}: yaml: {e}")
                continue
            if not isinstance(doc.data, dict):
                self.errors.append(f"{rel}:1: file: must be a YAML mapping")
                continue
            if doc.data.get("slug") != name[: -len(".yaml")]:
                self.err(doc, ("slug",), "slug", f"must equal the file name ({name[:-5]})")
            if not (isinstance(doc.data.get("slug"), str) and SLUG_RE.fullmatch(doc.data["slug"])):
                self.err(doc, ("slug",), "slug", "lowercase ascii letters, digits and hyphens")
            docs.append(doc)
        return docs

    # ------------------------------------------------------------------ producers
    def check_producer(self, doc):
        p = doc.data
        self.keys(doc, (), p, PRODUCER_KEYS, "")
        self.string(doc, p, "name")
        if p.get("type") not in PRODUCER_TYPES:
            self.err(doc, ("type",), "type", "one of " + ", ".join(sorted(PRODUCER_TYPES)))
        self.string(doc, p, "registration_number")
        self.string(doc, p, "representative")
        self.string(doc, p, "phone", PHONE_RE.pattern, "a quoted 10-digit Vietnamese number starting with 0")
        self.string(doc, p, "address")
        self.locality(doc, p)
        self.text(doc, ("story",), p.get("story"), "story")

    # ------------------------------------------------------------------ products
    def check_product(self, doc, producers, skus, gtins):
        p = doc.data
        self.keys(doc, (), p, PRODUCT_KEYS, "")
        self.text(doc, ("name",), p.get("name"), "name")
        if p.get("producer") not in producers:
            self.err(doc, ("producer",), "producer", f"unknown producer {p.get('producer')!r}")
        if p.get("group") not in self.leaves:
            self.err(doc, ("group",), "group", f"{p.get('group')!r} is not a leaf of the classification")
        self.locality(doc, p)
        if not is_date(p.get("listed_on")):
            self.err(doc, ("listed_on",), "listed_on", "must be a date YYYY-MM-DD")
        st = p.get("standards")
        if not isinstance(st, list) or not all(isinstance(s, str) and s.strip() for s in st):
            self.err(doc, ("standards",), "standards", "must be a list of strings (may be [])")
        self.text(doc, ("description",), p.get("description"), "description")
        self.text(doc, ("story",), p.get("story"), "story")

        variants = p.get("variants")
        if not isinstance(variants, list) or not variants:
            self.err(doc, ("variants",), "variants", "must be a non-empty list")
            variants = []
        for i, v in enumerate(variants):
            path = ("variants", i)
            if not self.keys(doc, path, v, VARIANT_KEYS, f"variants[{i}]"):
                continue
            sku = v.get("sku")
            if not isinstance(sku, str) or not SKU_RE.fullmatch(sku):
                self.err(doc, path + ("sku",), f"variants[{i}].sku", "uppercase letters, digits and hyphens")
            elif sku in skus:
                self.err(doc, path + ("sku",), f"variants[{i}].sku", f"duplicate SKU {sku} (also in {skus[sku]})")
            else:
                skus[sku] = doc.rel
            if not isinstance(v.get("label"), str) or not v["label"].strip():
                self.err(doc, path + ("label",), f"variants[{i}].label", "must be a non-empty string")
            for k in ("price", "weight_grams"):
                if not is_int(v.get(k)) or v[k] <= 0:
                    self.err(doc, path + (k,), f"variants[{i}].{k}", "must be an integer > 0")
            if "gtin" in v:
                g = v["gtin"]
                if not isinstance(g, str) or not gtin_ok(g):
                    self.err(doc, path + ("gtin",), f"variants[{i}].gtin", "must be a quoted GTIN-13 with a correct check digit")
                elif not g.startswith("893"):
                    self.err(doc, path + ("gtin",), f"variants[{i}].gtin", "Vietnamese GTIN-13 must start with 893")
                elif g in gtins:
                    self.err(doc, path + ("gtin",), f"variants[{i}].gtin", f"duplicate GTIN (also in {gtins[g]})")
                else:
                    gtins[g] = doc.rel

        media = p.get("media")
        if not isinstance(media, list):
            self.err(doc, ("media",), "media", "must be a list")
            media = []
        for i, m in enumerate(media):
            path = ("media", i)
            if not self.keys(doc, path, m, MEDIA_KEYS, f"media[{i}]"):
                continue
            f = m.get("file")
            if not isinstance(f, str) or f.startswith("/") or ".." in f.split("/"):
                self.err(doc, path + ("file",), f"media[{i}].file", "must be a path relative to Media/")
            elif not os.path.isfile(os.path.join(self.root, "Media", f)):
                self.err(doc, path + ("file",), f"media[{i}].file", f"Media/{f} does not exist")
            self.text(doc, path + ("alt",), m.get("alt"), f"media[{i}].alt")

        certs = p.get("certificates")
        if not isinstance(certs, list):
            self.err(doc, ("certificates",), "certificates", "must be a list (may be [])")
            certs = []
        for i, c in enumerate(certs):
            self.check_cert(doc, i, c)

    def check_cert(self, doc, i, c):
        path, label = ("certificates", i), f"certificates[{i}]"
        if not self.keys(doc, path, c, CERT_KEYS, label):
            return
        for k in ("number", "decision_number", "authority"):
            if not isinstance(c.get(k), str) or not c[k].strip():
                self.err(doc, path + (k,), f"{label}.{k}", "must be a non-empty string")
        stars, score, issued = c.get("stars"), c.get("score"), c.get("issued_on")
        if not is_int(stars) or not 1 <= stars <= 5:
            self.err(doc, path + ("stars",), f"{label}.stars", "must be an integer 1..5")
            stars = None
        if not is_int(score) or not 0 <= score <= 100:
            self.err(doc, path + ("score",), f"{label}.score", "must be an integer 0..100")
            score = None
        if stars and score is not None and star_band(score) != stars:
            self.err(doc, path + ("score",), f"{label}.score",
                     f"score {score} is a {star_band(score)}★ band, not {stars}★ (<30, 30-49, 50-69, 70-89, 90-100)")
        if not is_date(issued):
            self.err(doc, path + ("issued_on",), f"{label}.issued_on", "must be a date YYYY-MM-DD")
            issued = None
        auth = c.get("authority") if isinstance(c.get("authority"), str) else ""
        if stars == 5:
            want = MINISTRY_NEW if issued and issued >= MINISTRY_RENAMED else MINISTRY_OLD
            if auth not in (MINISTRY_OLD, MINISTRY_NEW):
                self.err(doc, path + ("authority",), f"{label}.authority", f"5★ is recognised by the ministry ({want})")
            elif issued and auth != want:
                self.err(doc, path + ("authority",), f"{label}.authority", f"on {issued} the ministry is named {want}")
        elif stars in (3, 4) and not (auth.startswith("UBND tỉnh ") or auth.startswith("UBND thành phố ")):
            self.err(doc, path + ("authority",), f"{label}.authority",
                     "3★/4★ are certified by a provincial People's Committee (UBND tỉnh X / UBND thành phố X)")
        exp = c.get("expires_on")
        if exp is not None and (not is_date(exp) or (issued and exp <= issued)):
            self.err(doc, path + ("expires_on",), f"{label}.expires_on", "must be a date after issued_on")
        if "potential_five_star" in c:
            if not isinstance(c["potential_five_star"], bool):
                self.err(doc, path + ("potential_five_star",), f"{label}.potential_five_star", "must be true or false")
            elif c["potential_five_star"] and stars != 4:
                self.err(doc, path + ("potential_five_star",), f"{label}.potential_five_star", "only for 4★ certificates")
        rev, reason = c.get("revoked_on"), c.get("revocation_reason")
        if rev is not None:
            if not is_date(rev) or (issued and rev < issued):
                self.err(doc, path + ("revoked_on",), f"{label}.revoked_on", "must be a date on or after issued_on")
            if not isinstance(reason, str) or not reason.strip():
                self.err(doc, path + ("revoked_on",), f"{label}.revocation_reason", "required with revoked_on")
        elif reason is not None:
            self.err(doc, path + ("revocation_reason",), f"{label}.revocation_reason", "only with revoked_on")

    # ------------------------------------------------------------------ status
    def status(self, product):
        """(published, reason) for today, per the certificate rule."""
        certs = [c for c in product.get("certificates") or [] if isinstance(c, dict)]
        if not certs:
            return False, "no certificate yet (being evaluated)"
        valid, why = [], []
        for c in certs:
            issued = c.get("issued_on")
            if not is_date(issued):
                continue
            exp = c.get("expires_on") or add_months(issued, 36)
            rev = c.get("revoked_on")
            if rev and rev <= self.today:
                why.append(f"{c.get('stars')}★ revoked {rev}: {c.get('revocation_reason')}")
            elif issued > self.today:
                why.append(f"{c.get('stars')}★ not valid before {issued}")
            elif self.today >= exp:
                why.append(f"{c.get('stars')}★ expired {exp}")
            elif (c.get("stars") or 0) < 3:
                why.append(f"rated {c.get('stars')}★ (score {c.get('score')}), below OCOP")
            else:
                valid.append((c.get("stars"), exp))
        if valid:
            stars, exp = max(valid)
            return True, f"{stars}★ valid until {exp}"
        return False, "; ".join(why)

    def run(self):
        producer_docs = self.load_dir("producers")
        product_docs = self.load_dir("products")
        producers = {}
        for doc in producer_docs:
            self.check_producer(doc)
            producers[doc.data.get("slug")] = doc.data
        skus, gtins = {}, {}
        for doc in product_docs:
            self.check_product(doc, producers, skus, gtins)
        return producer_docs, product_docs, producers, skus, gtins


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", default=os.path.dirname(here), help="repository root (default: parent of tools/)")
    ap.add_argument("--today", type=datetime.date.fromisoformat, default=datetime.date.today())
    ap.add_argument("--localities", help="localities CSV (default: the copy in Sources/OCOPDomain/Resources, else ../shared/data)")
    ap.add_argument("-q", "--quiet", action="store_true", help="only errors and the summary line")
    args = ap.parse_args()

    loc = args.localities
    if not loc:
        for cand in ("Sources/OCOPDomain/Resources/localities-2025.csv", "../shared/data/localities-2025.csv"):
            if os.path.exists(os.path.join(args.root, cand)):
                loc = os.path.join(args.root, cand)
                break
    if not loc:
        sys.exit("check-catalog: localities-2025.csv not found; pass --localities")

    ch = Checker(args.root, args.today, loc)
    producer_docs, product_docs, producers, skus, gtins = ch.run()
    def order(e):
        f, line, _ = e.split(":", 2)
        return f, int(line) if line.isdigit() else 0
    for e in sorted(ch.errors, key=order):
        print(e)

    products = [d.data for d in product_docs]
    published, hidden = [], []
    for p in products:
        ok, why = ch.status(p)
        (published if ok else hidden).append((p.get("slug"), why))
    prods_by_slug = {p.get("slug"): p for p in products}
    pub_stars = Counter()
    for slug, _ in published:
        certs = prods_by_slug[slug]["certificates"]
        pub_stars[max(c.get("stars") or 0 for c in certs if ch.status({"certificates": [c]})[0])] += 1
    provinces = {p.get("province") for p in products} | {p.get("province") for p in producers.values()}
    sectors = {str(p.get("group", "")).split(".")[0] for p in products}
    leaves = {p.get("group") for p in products}
    types = Counter(p.get("type") for p in producers.values())
    n_cert = sum(len(p.get("certificates") or []) for p in products)
    n_var = sum(len(p.get("variants") or []) for p in products)
    n_gtin = len(gtins)
    n_en = sum(1 for p in products if isinstance(p.get("name"), dict) and p["name"].get("en"))

    if not args.quiet:
        print(f"today: {args.today}")
        print(f"products: {len(products)} (published today: {len(published)}, hidden: {len(hidden)})")
        print("published by stars: " + ", ".join(f"{s}★ {n}" for s, n in sorted(pub_stars.items())))
        print(f"producers: {len(producers)} (" + ", ".join(f"{t} {n}" for t, n in sorted(types.items())) + ")")
        print(f"provinces: {len(provinces)} ({', '.join(sorted(p for p in provinces if p))})")
        print(f"sectors: {len(sectors)} ({', '.join(sorted(sectors))})")
        print(f"leaves: {len(leaves)} of {len(ch.leaves)}")
        print(f"variants: {n_var} (with GTIN: {n_gtin}), certificates: {n_cert}, products with English: {n_en}")
        print("hidden:")
        for slug, why in hidden:
            print(f"  {slug}: {why}")
    print(f"{len(ch.errors)} error(s)" if ch.errors else "OK: catalog is valid")
    return 1 if ch.errors else 0


if __name__ == "__main__":
    sys.exit(main())
