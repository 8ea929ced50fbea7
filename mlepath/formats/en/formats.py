# 4 Dec 2026: day first, the month in letters, so no reader takes 4/12 for 12 April.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "l j F Y"  # a day with its weekday: Monday 7 December 2026
FIRST_DAY_OF_WEEK = 1  # Monday
