# Warning flags in one place.
function(dnsts_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wvla -Wformat=2
    -Wformat-security -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith
    -Wcast-qual -Wundef)
  if(DNSTS_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
