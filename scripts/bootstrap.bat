@echo off
rem Called by start-backend.bat and run-tests.bat from the project root: make .venv, install the
rem pinned requirements when they changed, create .env. %REQUIREMENTS% names the file; by default
rem requirements.txt, or requirements-postgres.txt when DATABASE_URL is set (environment or .env).
rem scripts/bootstrap.sh does the same on Linux and macOS, with the same messages.
if not exist "requirements.txt" goto :not_unpacked
if not exist "backend\__main__.py" goto :not_unpacked
if defined REQUIREMENTS goto :requirements_chosen
set "REQUIREMENTS=requirements.txt"
if defined DATABASE_URL set "REQUIREMENTS=requirements-postgres.txt"
if exist ".env" for /f "usebackq eol=# tokens=1,* delims==" %%a in (".env") do if /i "%%a"=="DATABASE_URL" if not "%%b"=="" set "REQUIREMENTS=requirements-postgres.txt"
:requirements_chosen
if exist ".venv\Scripts\python.exe" goto :venv_check
if exist ".venv\pyvenv.cfg" goto :venv_broken
set "PYTHON_CMD="
rem "call": pyenv-win's python is a .bat shim, which without call never returns here.
call py -3 -c "import sys; sys.exit(sys.version_info < (3, 11))" >nul 2>&1
if "%ERRORLEVEL%"=="0" set "PYTHON_CMD=py -3"
if defined PYTHON_CMD goto :python_found
call python -c "import sys; sys.exit(sys.version_info < (3, 11))" >nul 2>&1
if "%ERRORLEVEL%"=="0" set "PYTHON_CMD=python"
if defined PYTHON_CMD goto :python_found
echo Python 3.11 or newer is needed: install it from https://www.python.org/downloads/ (the Python install manager; or tick "Add python.exe to PATH"), open a new window, then run this again.
exit /b 1
:python_found
echo Creating the virtual environment in .venv ...
call %PYTHON_CMD% -m venv .venv
if not "%ERRORLEVEL%"=="0" (echo Could not create .venv: see the message above. & exit /b 1)
:venv_check
".venv\Scripts\python.exe" -c "import sys; sys.exit(sys.version_info < (3, 11))" >nul 2>&1
if not "%ERRORLEVEL%"=="0" goto :venv_broken
set "VENV_PYTHON=%CD%\.venv\Scripts\python.exe"
"%VENV_PYTHON%" scripts\requirements_stamp.py check "%REQUIREMENTS%"
if "%ERRORLEVEL%"=="0" goto :installed
echo Installing %REQUIREMENTS% into .venv ...
"%VENV_PYTHON%" -m pip install --disable-pip-version-check -q -r "%REQUIREMENTS%"
if not "%ERRORLEVEL%"=="0" (echo Installing the requirements failed ^(see pip's message above^). & exit /b 1)
"%VENV_PYTHON%" scripts\requirements_stamp.py write "%REQUIREMENTS%"
:installed
if not exist ".env" (
  copy ".env.example" ".env" >nul
  echo Created .env from .env.example ^(no Qikink credentials: the local emulator is used^).
)
exit /b 0
:venv_broken
echo The .venv folder is broken (its Python was removed or moved, or is older than 3.11): delete the .venv folder and run this again.
exit /b 1
:not_unpacked
echo The project files are not next to this script (requirements.txt, backend/): run it from the unpacked project folder (a ZIP must be extracted first: right-click, Extract All).
exit /b 1
