"""zh-hans number formats for Zhiyang's pages.

Django's zh_Hans locale groups nothing (an empty thousand separator), so ¥1238067 is printed as
one run of digits. Budgets, contract values and earned value are read by people who compare
them at a glance; Chinese financial statements and owners' reports group by three digits with a
comma (1,238,067), so numbers formatted with grouping (``floatformat:"0g"``) do the same here.
Dates and times keep Django's zh_Hans formats.
"""

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
