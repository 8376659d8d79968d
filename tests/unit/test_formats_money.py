"""Money spellings of real exports that were read wrong without a word (survey of export formats).

Every file is small and invented; the expected amounts are worked out by hand from the cells
(the arithmetic is in the comments), never read off the importer's output.
"""

from funnel.importer import import_file


def _import(store, tmp_path, name: str, text: str, encoding: str = "utf-8", **kw):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return import_file(store, p, **kw)


def _deals(store, info, cols: str = "deal_id, amount"):
    with store.connect() as con:
        return con.execute(f"SELECT {cols} FROM {info.tables['deals']} ORDER BY deal_id").fetchall()


def _findings(store, info):
    """(code, severity, column, value, detail) of the summary lines (no row)."""
    with store.connect() as con:
        return con.execute(f"SELECT code, severity, column_name, value, detail FROM {info.tables['quality']} "
                           "WHERE row_no IS NULL ORDER BY code").fetchall()


def _codes(store, info) -> set[str]:
    return {r[0] for r in _findings(store, info)}


# ---------------------------------------------------------------- 1. whole euros with dot thousands

def test_whole_euros_with_a_dot_before_three_digits_are_thousands(mem_store, tmp_path):
    # German CRM, cp1252, «;»: «1.234 €» is 1234 euros (the € after the number says a decimal-comma locale)
    text = ("ID;Phase;Status;Betrag\r\n1;Angebot;Gewonnen;1.234 €\r\n2;Angebot;Gewonnen;12.500 €\r\n"
            "3;Angebot;Verloren;850 €\r\n")
    info, built, _ = _import(mem_store, tmp_path, "de.csv", text, "cp1252")
    assert built["rows_rejected"] == 0
    # 1.234 -> 1234, 12.500 -> 12500, 850 -> 850 (not 1.234 and 12.5)
    assert _deals(mem_store, info) == [("1", 1234.0), ("2", 12500.0), ("3", 850.0)]
    # won revenue: 1234 + 12500 = 13734
    with mem_store.connect() as con:
        revenue = con.execute(f"SELECT sum(amount) FROM {info.tables['deals']} WHERE status = 'won'").fetchone()[0]
    assert revenue == 13734.0
    found = {r[0]: r for r in _findings(mem_store, info)}
    assert found["amount.dot_thousands"][1:4] == ("info", "Betrag", "1.234 €")
    assert "amount.dot_decimal_doubt" not in found


def test_dots_with_comma_decimals_elsewhere_in_the_column_are_thousands(mem_store, tmp_path):
    # no currency sign, but «99,50» writes a decimal comma: «2.000» is then 2000
    text = "id;stage;amount\n1;Lead;2.000\n2;Lead;99,50\n3;Lead;7\n"
    info, _built, _ = _import(mem_store, tmp_path, "mixed.csv", text)
    assert _deals(mem_store, info) == [("1", 2000.0), ("2", 99.5), ("3", 7.0)]


def test_plain_dot_three_digits_stay_decimal_and_are_questioned(mem_store, tmp_path):
    # nothing tells: «1.234» keeps its decimal point (1.234), «5» is 5; a warning names the column and a value
    text = "id,stage,amount\n1,Lead,1.234\n2,Lead,5\n3,Lead,12.500\n"
    info, _built, _ = _import(mem_store, tmp_path, "plain.csv", text)
    assert _deals(mem_store, info) == [("1", 1.234), ("2", 5.0), ("3", 12.5)]
    found = {r[0]: r for r in _findings(mem_store, info)}
    assert found["amount.dot_decimal_doubt"][1:4] == ("warning", "amount", "1.234")


def test_a_real_decimal_point_raises_no_doubt(mem_store, tmp_path):
    # «1.5» has one digit after its dot: the column writes decimal points; «2.250» is 2.25
    text = "id,stage,amount\n1,Lead,1.5\n2,Lead,2.250\n"
    info, _built, _ = _import(mem_store, tmp_path, "dec.csv", text)
    assert _deals(mem_store, info) == [("1", 1.5), ("2", 2.25)]
    assert not {"amount.dot_decimal_doubt", "amount.dot_thousands"} & _codes(mem_store, info)


# ---------------------------------------------------------------- 2. currency words and signs, 万 and 亿

def test_brazilian_reais_are_read_and_name_the_currency(mem_store, tmp_path):
    # «R$ 1.234,56» is 1234.56 reais, «-R$ 1.000,00» minus 1000; every cell says R$: the currency is BRL
    text = ("ID;Etapa;Status;Valor\r\n1;Proposta;Ganho;R$ 1.234,56\r\n2;Proposta;Ganho;R$ 15.000,00\r\n"
            "3;Proposta;Perdido;-R$ 1.000,00\r\n")
    info, built, draft = _import(mem_store, tmp_path, "br.csv", text)
    assert draft.mapping.fields["amount"] == 3  # «Valor», proposed although its cells carry R$
    assert _deals(mem_store, info, "deal_id, amount, currency") == [
        ("1", 1234.56, "BRL"), ("2", 15000.0, "BRL"), ("3", -1000.0, "BRL")]
    # won revenue: 1234.56 + 15000 = 16234.56
    with mem_store.connect() as con:
        revenue = con.execute(f"SELECT sum(amount) FROM {info.tables['deals']} WHERE status = 'won'").fetchone()[0]
    assert round(revenue, 2) == 16234.56


def test_chinese_yuan_signs_and_wan(mem_store, tmp_path):
    # 万 is ten thousand: 12万 = 120000, 5万 = 50000, 1.2万元 = 1.2 × 10000 = 12000;
    # ￥1,200.00 = 1200 (full-width yen sign), 3,000.00元 = 3000, 2亿 = 2 × 100000000
    text = ("商机编号,销售阶段,商机状态,商机金额\n1,谈判,赢单,12万\n2,谈判,输单,5万\n3,谈判,赢单,1.2万元\n"
            "4,谈判,赢单,\"￥1,200.00\"\n5,谈判,跟进中,\"3,000.00元\"\n6,谈判,跟进中,2亿\n")
    info, built, draft = _import(mem_store, tmp_path, "zh.csv", text, "gb18030")
    assert draft.mapping.fields["amount"] == 3 and built["rows_rejected"] == 0
    assert _deals(mem_store, info) == [("1", 120000.0), ("2", 50000.0), ("3", 12000.0), ("4", 1200.0),
                                       ("5", 3000.0), ("6", 200000000.0)]


def test_spanish_importe_with_iso_codes_is_proposed_as_the_amount():
    from funnel.mapping.matcher import propose_mapping

    # every sample names its currency by code or sign: still numbers, so «Importe» is the amount
    samples = [["1", "Propuesta", "EUR 1.500,00"], ["2", "Propuesta", "2.000,00 €"], ["3", "Propuesta", "BRL 10,5"]]
    m = propose_mapping(["id", "Etapa", "Importe"], samples)
    assert m.fields.get("amount") == 2


# ---------------------------------------------------------------- 3. a unit in the amount's header

def test_wan_yuan_in_the_header_multiplies_the_amounts(mem_store, tmp_path):
    from funnel.quality_report import finding_text

    # 商机金额（万元）: amounts in ten thousands of yuan. 12.5 -> 125000, 3 -> 30000, 8 -> 80000;
    # won revenue: 125000 + 30000 = 155000 (not 12.5 + 3 = 15.5)
    text = ("商机编号,销售阶段,商机状态,商机金额（万元）\n1,谈判,赢单,12.5\n2,谈判,赢单,3\n3,谈判,输单,8\n")
    info, _built, draft = _import(mem_store, tmp_path, "wan.csv", text)
    assert draft.mapping.fields["amount"] == 3
    assert _deals(mem_store, info) == [("1", 125000.0), ("2", 30000.0), ("3", 80000.0)]
    with mem_store.connect() as con:
        revenue = con.execute(f"SELECT sum(amount) FROM {info.tables['deals']} WHERE status = 'won'").fetchone()[0]
    assert revenue == 155000.0
    found = {r[0]: r for r in _findings(mem_store, info)}
    code, severity, _column, value, detail = found["amount.header_unit"]
    assert (severity, value) == ("info", "10000")
    assert "10\u00a0000" in finding_text(code, detail, "en") and "商机金额(万元)" in finding_text(code, detail, "en")


def test_thousands_in_a_russian_and_an_english_header(mem_store, tmp_path):
    # «Сумма, тыс.руб»: 1 250,5 thousand roubles = 1250.5 × 1000 = 1250500; 40 -> 40000
    text = "ID;Этап;Сумма, тыс.руб\n1;Договор;1 250,5\n2;Договор;40\n"
    info, _built, draft = _import(mem_store, tmp_path, "ru.csv", text)
    assert draft.mapping.fields["amount"] == 2
    assert _deals(mem_store, info, "deal_id, amount, currency") == [("1", 1250500.0, "RUB"), ("2", 40000.0, "RUB")]
    # «Revenue (000s)»: 12 -> 12000, 0.5 -> 500
    text = "id,stage,Revenue (000s)\n1,Lead,12\n2,Lead,0.5\n"
    info, _built, _ = _import(mem_store, tmp_path, "en.csv", text)
    assert _deals(mem_store, info) == [("1", 12000.0), ("2", 500.0)]


def test_header_units_read_and_plain_headers_have_none():
    from funnel.mapping.header_currency import header_multiplier

    assert [header_multiplier(h) for h in ("商机金额（万元）", "Сумма (тыс. руб.)", "Amount (in thousands)", "Amount (k)",
                                           "Выручка (млн)", "Amount", "Сумма", "Amount (EUR)", "Kosten")] == [
        10_000, 1_000, 1_000, 1_000, 1_000_000, None, None, None, None]


# ---------------------------------------------------------------- 4. several currencies inside the amounts

def test_iso_codes_in_the_cells_give_each_deal_its_currency(mem_store, tmp_path):
    # no currency column; the cells name USD, EUR and RUB. «EUR 1.000,00» (both marks: the comma is the
    # decimal one) is 1000 although the column otherwise writes 1,200.00; «RUB 50 000» is 50000
    text = ("id,stage,status,amount\n1,Closed,won,\"USD 1,200.00\"\n2,Closed,won,\"EUR 1.000,00\"\n"
            "3,Closed,won,RUB 50 000\n4,Closed,lost,USD 300.00\n")
    info, built, _ = _import(mem_store, tmp_path, "codes.csv", text)
    assert built["rows_rejected"] == 0
    assert _deals(mem_store, info, "deal_id, amount, currency") == [
        ("1", 1200.0, "USD"), ("2", 1000.0, "EUR"), ("3", 50000.0, "RUB"), ("4", 300.0, "USD")]
    found = {r[0]: r for r in _findings(mem_store, info)}
    # three currencies: not added together (the metrics give no revenue across currencies)
    assert found["currency.mixed"][1:4] == ("warning", "amount", "EUR, RUB, USD")
    # no revenue across currencies (before: 1200 + 1000 + 50000 = 52200 «dollars»)
    from funnel.metrics import outcomes
    from funnel.spec import FunnelSpec

    with mem_store.connect(info) as con:
        out = outcomes(con, info, FunnelSpec())
    assert out.revenue is None and out.reasons["revenue"] == "metrics.reason.mixed_currencies"


def test_one_currency_signs_mixed_in_a_column(mem_store, tmp_path):
    # «1.200,00 €» and «50 000,00 ₽»: EUR and RUB deals; € 1200 and ₽ 50000, € 2000
    text = ("id;stage;status;amount\n1;Closed;won;1.200,00 €\n2;Closed;won;50 000,00 ₽\n"
            "3;Closed;won;2.000,00 €\n")
    info, _built, _ = _import(mem_store, tmp_path, "signs.csv", text)
    assert _deals(mem_store, info, "deal_id, amount, currency") == [
        ("1", 1200.0, "EUR"), ("2", 50000.0, "RUB"), ("3", 2000.0, "EUR")]
    assert "currency.mixed" in _codes(mem_store, info)


def test_a_single_iso_code_among_dollar_signs_mixes_nothing(mem_store, tmp_path):
    # «$1,200.00» and «USD 300»: only USD is named, so no deal gets a currency of its own: 1200 and 300
    text = "id,stage,amount\n1,Lead,\"$1,200.00\"\n2,Lead,USD 300\n"
    info, _built, _ = _import(mem_store, tmp_path, "usd.csv", text)
    assert _deals(mem_store, info, "deal_id, amount, currency") == [("1", 1200.0, None), ("2", 300.0, None)]
    assert "currency.mixed" not in _codes(mem_store, info)


# ---------------------------------------------------------------- 6. one unreadable amount keeps its deal

def test_an_unreadable_amount_keeps_the_deal_and_reports_the_row(mem_store, tmp_path):
    # 4 deals: 1 won 100, 2 won «ask Anna» (unreadable), 3 lost 50, 4 won 200. All four are deals:
    # won 3, lost 1, win rate 3 / (3 + 1) = 0.75 (dropping deal 2 made it 2 / 3); revenue 100 + 200 = 300
    text = ("id,stage,status,amount\n1,Closed,won,100\n2,Closed,won,ask Anna\n3,Closed,lost,50\n"
            "4,Closed,won,200\n")
    info, built, _ = _import(mem_store, tmp_path, "bad.csv", text)
    assert (built["n_deals"], built["rows_rejected"]) == (4, 0)
    assert _deals(mem_store, info, "deal_id, status, amount") == [
        ("1", "won", 100.0), ("2", "won", None), ("3", "lost", 50.0), ("4", "won", 200.0)]
    with mem_store.connect() as con:
        rows = con.execute(f"SELECT code, severity, row_no, column_name, value FROM {info.tables['quality']} "
                           "WHERE row_no IS NOT NULL").fetchall()
    assert rows == [("amount.unreadable", "warning", 3, "amount", "ask Anna")]  # the file's row 3 (header is 1)
    from funnel.metrics import outcomes
    from funnel.spec import FunnelSpec

    with mem_store.connect(info) as con:
        out = outcomes(con, info, FunnelSpec())
    assert (out.won, out.lost, out.revenue) == (3, 1, 300.0)
    assert out.win_rate == 0.75


def test_a_bad_creation_date_keeps_its_deal_without_it(mem_store, tmp_path):
    # as an amount: «soon» is no date, deal 2 is kept without one (2 deals, none rejected, 1 cell unread)
    text = "id,stage,created,amount\n1,Lead,2024-01-02,10\n2,Lead,soon,20\n"
    info, built, _ = _import(mem_store, tmp_path, "date.csv", text)
    assert (built["n_deals"], built["rows_rejected"], built["rows_unread"]) == (2, 0, 1)


# ---------------------------------------------------------------- 5. an amount column left out says so

def test_an_amount_header_with_unreadable_values_is_not_dropped_silently(mem_store, tmp_path):
    from funnel.quality_report import finding_text

    # «Amount» is the amount by its name, but its cells are words: the mapper leaves it out, and the
    # import says which column, with a value and how to map it
    text = "id,stage,Amount\n1,Lead,about five\n2,Lead,call back\n3,Lead,tbd\n"
    info, _built, draft = _import(mem_store, tmp_path, "words.csv", text)
    assert "amount" not in draft.mapping.fields
    found = {r[0]: r for r in _findings(mem_store, info)}
    code, severity, column, value, detail = found["mapping.amount_unread"]
    assert (severity, column, value) == ("warning", "Amount", "about five")
    said = finding_text(code, detail, "en")
    assert "«Amount»" in said and "«about five»" in said and '--map amount="Amount"' in said


def test_a_file_without_an_amount_header_gets_no_such_warning(mem_store, tmp_path):
    text = "id,stage,Note\n1,Lead,about five\n2,Lead,call back\n"
    info, _built, _ = _import(mem_store, tmp_path, "notes.csv", text)
    assert "mapping.amount_unread" not in _codes(mem_store, info)
