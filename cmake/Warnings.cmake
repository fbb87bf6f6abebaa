# Compiler warnings for every target of the course: the project builds clean with
# -Wall -Wextra -Wpedantic, and CI turns warnings into errors (COURSE_WARNINGS_AS_ERRORS).
add_library(course_warnings INTERFACE)
target_compile_options(course_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                 -Wnon-virtual-dtor -Wold-style-cast)
if(COURSE_WARNINGS_AS_ERRORS)
  target_compile_options(course_warnings INTERFACE -Werror)
endif()
