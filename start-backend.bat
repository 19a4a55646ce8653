@echo off
rem Start the shop backend on a fresh clone: creates .venv, installs requirements.txt (again only
rem when it changed), copies .env.example to .env if missing, then runs "python -m backend".
setlocal
cd /d "%~dp0"
call scripts\bootstrap.bat || exit /b 1
"%VENV_PYTHON%" -m backend %*
exit /b %ERRORLEVEL%
