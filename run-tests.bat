@echo off
rem Run the whole test suite with the same self-set-up as start-backend.bat.
setlocal
cd /d "%~dp0"
set "REQUIREMENTS=requirements-dev.txt"
call scripts\bootstrap.bat || exit /b 1
"%VENV_PYTHON%" -m pytest %*
exit /b %ERRORLEVEL%
