#!/usr/bin/env python3
"""Writes a tiny MaxMind-format database for the `pictify-keys audit --geoip` test:

    target/monitor-venv/bin/python tests/monitor/make_mmdb.py OUT.mmdb

Every value is made up here (AS numbers from the documentation range of RFC 5398), with the
field names of GeoIP2 Country and GeoLite2 ASN. No geo data is fetched or committed. The
documentation block 198.51.100.0/24 is in it on purpose: the monitor classifies that range
before any lookup, so its entry must never be shown.
"""

import sys

from mmdb_writer import MMDBWriter, MmdbU32
from netaddr import IPSet

ENTRIES = [
    ("81.2.69.0/24", {"country": {"iso_code": "GB"}, "autonomous_system_number": MmdbU32(64496),
                      "autonomous_system_organization": "Example Transit <b>bold</b>"}),
    ("2a02:c7c::/32", {"registered_country": {"iso_code": "DE"}}),
    ("198.51.100.0/24", {"country": {"iso_code": "ZZ"}, "autonomous_system_number": MmdbU32(64511)}),
]

w = MMDBWriter(ip_version=6, database_type="Pictify-Test-Country-ASN", ipv4_compatible=True)
for net, record in ENTRIES:
    w.insert_network(IPSet([net]), record)
w.to_db_file(sys.argv[1])
