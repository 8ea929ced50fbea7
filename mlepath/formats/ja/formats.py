# 2026年12月4日, as Japanese readers write dates.
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 G:i"
TIME_FORMAT = "G:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
SHORT_DATE_FORMAT = "Y年n月j日(D)"  # a day with its weekday: 2026年12月7日(月)
FIRST_DAY_OF_WEEK = 0  # Sunday, as Japanese calendars start the week
