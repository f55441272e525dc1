# Montenegrin (Django has no formats of its own for it): as Serbian Latin, with numeric dates,
# since Django's month names have no Montenegrin translation.
DATE_FORMAT = "j. n. Y."
SHORT_DATE_FORMAT = "j. n. Y."
DATETIME_FORMAT = "j. n. Y. H:i"
YEAR_MONTH_FORMAT = "n. Y."
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
