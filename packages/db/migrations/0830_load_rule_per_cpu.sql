-- The built-in `load` rule now judges load per logical CPU (os_load.cpu_count). Its old
-- defaults (8 and 16, absolute load) would never fire per CPU: an installation still on
-- them gets the new defaults; tuned values are left as the admin set them.
UPDATE rules
   SET warning_threshold = 1.5, critical_threshold = 3
 WHERE key = 'load' AND kind = 'builtin'
   AND warning_threshold = 8 AND critical_threshold = 16;
